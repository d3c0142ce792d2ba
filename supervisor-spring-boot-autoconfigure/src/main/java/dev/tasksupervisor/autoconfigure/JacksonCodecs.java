package dev.tasksupervisor.autoconfigure;

import org.springframework.beans.factory.ListableBeanFactory;

import dev.tasksupervisor.store.PayloadCodec;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** Makes {@link JacksonPayloadCodec}s; apart, so that only an application with a durable worker loads Jackson. */
final class JacksonCodecs {

    private JacksonCodecs() {
    }

    /** The codec for the items of {@code method}, with the application's mapper, or a plain one without. */
    static PayloadCodec<Object> of(ListableBeanFactory beans, WorkerMethod method) {
        ObjectMapper mapper = beans.getBeanProvider(ObjectMapper.class).getIfUnique(() -> JsonMapper.builder().build());
        return new JacksonPayloadCodec(mapper, method.itemDeclaredType());
    }
}
