package dev.tasksupervisor.docs.migrating;

/** What the tasks of {@code Exports} do, kept out of the snippet. */
final class Tables {

    private Tables() {
    }

    static long copy(String table) {
        return table.length();
    }

    static void page(String message) {
        // page whoever is on call
    }
}
