package dev.tasksupervisor.testsupport;

import java.util.List;
import java.util.UUID;

/** Test helpers: unique supervisor ids and the live threads a supervisor named. */
public final class SupervisorThreads {

    private SupervisorThreads() {
    }

    /** A supervisor id no other test uses, so thread-name checks see only this test's threads. */
    public static String uniqueId(String hint) {
        return hint + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Live threads whose name starts with {@code prefix}. */
    public static List<Thread> named(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> t.getName().startsWith(prefix))
                .toList();
    }

    /** Live threads of the supervisor with this id (not {@code default}). */
    public static List<Thread> of(String supervisorId) {
        return named("supervisor_" + supervisorId + "_");
    }
}
