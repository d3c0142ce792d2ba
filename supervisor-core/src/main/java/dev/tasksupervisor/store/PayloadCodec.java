package dev.tasksupervisor.store;

/**
 * Turns a durable queue's items into the text its {@link QueueStore} keeps, and back. The Spring Boot starter
 * writes JSON with the application's Jackson mapper; plain Java passes its own.
 *
 * @param <T> the item type
 */
public interface PayloadCodec<T> {

    /**
     * The item as text.
     *
     * @throws RuntimeException if the item cannot be written; the put then fails, and nothing is stored
     */
    String write(T item);

    /**
     * The item the text stands for.
     *
     * @throws RuntimeException if the text cannot be read (a class changed since the put): the item then goes
     *     to the dead letters without a run, since no retry could read it either
     */
    T read(String payload);
}
