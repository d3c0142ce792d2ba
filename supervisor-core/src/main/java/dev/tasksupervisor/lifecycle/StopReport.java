package dev.tasksupervisor.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a stop could not finish within its wait: the workers it had to force, those still running their
 * target when it returned, the queue items it handed back, the pool tasks it cancelled or left running,
 * and the aloop work it cancelled. The same report comes back from a supervisor's, an aloop's and a
 * worker's stop; a worker's names only itself.
 *
 * @param stopped whether the thing had stopped when the report was made: {@code false} for a call that
 *     returned while a stop begun elsewhere (or going on in the background) was still under way
 * @param took how long the stop took
 * @param forcedWorkers workers that did not stop within the wait and were forced: their sync run
 *     interrupted, their async run given up, their queue handed back
 * @param stuckWorkers those of {@code forcedWorkers} whose run still went on when the stop returned (a
 *     thread ignoring interruption, a stage not yet complete); they cannot start again until it ends
 * @param undeliveredItems the items each forced queue worker handed back, by worker name, in queue order
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

    /** A builder for the report of one stop. */
    public static Builder builder() {
        return new Builder();
    }

    /** The report of a call that returned while the stop it asked for was still under way. */
    public static StopReport underWay(Duration waited) {
        return builder().underWay().build(waited);
    }

    /** Whether everything finished within the wait: stopped, nothing forced, cancelled, handed back or left running. */
    public boolean isComplete() {
        return stopped && forcedWorkers.isEmpty() && undeliveredItems.isEmpty() && cancelledTasks == 0 && runningTasks == 0
                && cancelledAloopWork.isEmpty();
    }

    /** The items {@code worker} handed back, in queue order; empty if it handed back none. */
    public List<?> undelivered(String worker) {
        List<?> items = undeliveredItems.get(worker);
        return items == null ? List.of() : items;
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

    /**
     * Collects what one stop gave up, phase by phase, then makes the immutable report. Not thread-safe: one
     * stopping thread fills it.
     */
    public static final class Builder {

        private boolean stopped = true;
        private final List<String> forcedWorkers = new ArrayList<>();
        private final List<String> stuckWorkers = new ArrayList<>();
        private final Map<String, List<?>> undeliveredItems = new LinkedHashMap<>();
        private int cancelledTasks;
        private int runningTasks;
        private final Map<String, Integer> cancelledAloopWork = new LinkedHashMap<>();

        private Builder() {
        }

        /** The stop was still under way when the report was made. */
        public Builder underWay() {
            stopped = false;
            return this;
        }

        /** A worker was forced; {@code stuck} if its run still went on afterwards. */
        public Builder forcedWorker(String worker, boolean stuck) {
            forcedWorkers.add(worker);
            if (stuck) {
                stuckWorkers.add(worker);
            }
            return this;
        }

        /** A worker handed back {@code items}; none is recorded for an empty list. */
        public Builder undelivered(String worker, List<?> items) {
            if (!items.isEmpty()) {
                undeliveredItems.put(worker, List.copyOf(items));
            }
            return this;
        }

        /** Pool tasks cancelled before they started, and those still running (-1: cannot tell). */
        public Builder poolTasks(int cancelled, int running) {
            cancelledTasks += cancelled;
            runningTasks = running;
            return this;
        }

        /** Work cancelled on an aloop; none is recorded for 0. */
        public Builder cancelledAloopWork(String aloop, int count) {
            if (count > 0) {
                cancelledAloopWork.merge(aloop, count, Integer::sum);
            }
            return this;
        }

        /** Adds what another part of the stop reported. */
        public Builder add(StopReport part) {
            stopped &= part.stopped();
            for (String worker : part.forcedWorkers()) {
                forcedWorker(worker, part.stuckWorkers().contains(worker));
            }
            part.undeliveredItems().forEach(this::undelivered);
            cancelledTasks += part.cancelledTasks();
            if (part.runningTasks() != 0) {
                runningTasks = part.runningTasks();
            }
            part.cancelledAloopWork().forEach(this::cancelledAloopWork);
            return this;
        }

        /** The report of a stop that took {@code took}. */
        public StopReport build(Duration took) {
            return new StopReport(stopped, took, forcedWorkers, stuckWorkers, undeliveredItems, cancelledTasks,
                    runningTasks, cancelledAloopWork);
        }
    }
}
