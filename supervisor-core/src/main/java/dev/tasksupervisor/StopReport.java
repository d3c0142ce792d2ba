package dev.tasksupervisor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a supervisor's stop could not finish within its wait: the workers it had to force, those still
 * running their target when the stop returned (they ignore interruption), the queue items handed back,
 * the pool tasks cancelled before they started or still running, and the aloop work cancelled.
 *
 * @param stopped whether the supervisor had stopped when the report was made: {@code false} for a call
 *     that returned while a stop begun elsewhere (or going on in the background) was still under way; its
 *     report comes from {@code getStopReport()} once the supervisor is stopped
 * @param took how long the stop took
 * @param forcedWorkers schedulers that did not stop within the wait and were forced: their run
 *     interrupted (sync) or its stage cancelled (async)
 * @param stuckWorkers those of {@code forcedWorkers} still running their target when the stop returned;
 *     their thread ignores interruption and goes on in the background
 * @param undeliveredItems the items each forced queue worker handed back, by worker name
 * @param cancelledTasks pool tasks cancelled before they started
 * @param runningTasks pool tasks still running when the stop returned, although interrupted; -1 when a
 *     replaced executor (not a {@code ThreadPoolExecutor}) cannot tell how many
 * @param cancelledAloopWork pending pieces of work cancelled, by aloop name
 */
public record StopReport(
        boolean stopped,
        Duration took,
        List<String> forcedWorkers,
        List<String> stuckWorkers,
        Map<String, List<?>> undeliveredItems,
        int cancelledTasks,
        int runningTasks,
        Map<String, Integer> cancelledAloopWork) {

    /** Copies the collections: a report does not change after the stop. */
    public StopReport {
        forcedWorkers = List.copyOf(forcedWorkers);
        stuckWorkers = List.copyOf(stuckWorkers);
        undeliveredItems = Collections.unmodifiableMap(new LinkedHashMap<>(undeliveredItems)); // keeps the order
        cancelledAloopWork = Collections.unmodifiableMap(new LinkedHashMap<>(cancelledAloopWork));
    }

    /** The report of a call that returned while another stop was still under way. */
    static StopReport underWay(Duration waited) {
        return new StopReport(false, waited, List.of(), List.of(), Map.of(), 0, 0, Map.of());
    }

    /** Whether everything finished within the wait: stopped, nothing forced, cancelled, handed back or left running. */
    public boolean isComplete() {
        return stopped && forcedWorkers.isEmpty() && undeliveredItems.isEmpty() && cancelledTasks == 0 && runningTasks == 0
                && cancelledAloopWork.isEmpty();
    }

    /** One line for a log: what was left, or that nothing was. */
    @Override
    public String toString() {
        if (!stopped) {
            return "still stopping after " + took.toMillis() + " ms: another stop is under way; getStopReport() has "
                    + "its report once the supervisor has stopped";
        }
        if (isComplete()) {
            return "stopped in " + took.toMillis() + " ms, everything finished";
        }
        List<String> parts = new ArrayList<>();
        if (!stuckWorkers.isEmpty()) {
            parts.add("worker(s) " + stuckWorkers + " still running although interrupted");
        }
        List<String> interrupted = new ArrayList<>(forcedWorkers);
        interrupted.removeAll(stuckWorkers);
        if (!interrupted.isEmpty()) {
            parts.add("worker(s) " + interrupted + " interrupted");
        }
        undeliveredItems.forEach((worker, items) ->
                parts.add(items.size() + " item(s) of worker '" + worker + "' handed back"));
        if (cancelledTasks > 0) {
            parts.add(cancelledTasks + " pool task(s) cancelled before they started");
        }
        if (runningTasks != 0) {
            parts.add((runningTasks < 0 ? "some" : String.valueOf(runningTasks))
                    + " pool task(s) still running although interrupted");
        }
        cancelledAloopWork.forEach((aloop, count) ->
                parts.add(count + " piece(s) of work cancelled on aloop '" + aloop + "'"));
        return "stopped in " + took.toMillis() + " ms with work left: " + String.join("; ", parts);
    }
}
