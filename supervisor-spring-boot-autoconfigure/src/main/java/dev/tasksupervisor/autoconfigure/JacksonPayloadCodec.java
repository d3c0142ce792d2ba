package dev.tasksupervisor.autoconfigure;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.core.ResolvableType;

import dev.tasksupervisor.store.PayloadCodec;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;

/**
 * The items of a durable {@code @Worker} method as JSON, written and read with the application's Jackson mapper
 * as the method's parameter type. The first item of each class is also read back at {@code put}: a type Jackson
 * can write but not read (no creator, say) fails there, where the caller sees it, and not later in the dead
 * letters. Loaded only for durable workers, so Jackson is needed only by applications that have one.
 */
final class JacksonPayloadCodec implements PayloadCodec<Object> {

    private final ObjectMapper mapper;
    private final JavaType type;
    /** The item classes written and read back once already. */
    private final Set<Class<?>> checked = ConcurrentHashMap.newKeySet();

    JacksonPayloadCodec(ObjectMapper mapper, ResolvableType declared) {
        this.mapper = mapper;
        this.type = declared == null || declared.resolve() == null ? mapper.getTypeFactory().constructType(Object.class)
                : mapper.getTypeFactory().constructType(declared.getType());
    }

    @Override
    public String write(Object item) {
        String json = mapper.writeValueAsString(item);
        if (checked.add(item.getClass())) {
            try {
                mapper.readValue(json, type);
            } catch (RuntimeException e) {
                checked.remove(item.getClass());
                throw new IllegalArgumentException("Jackson writes it as " + abbreviate(json) + " but cannot read that "
                        + "back as " + type.toCanonical() + ": " + e.getMessage(), e);
            }
        }
        return json;
    }

    @Override
    public Object read(String payload) {
        return mapper.readValue(payload, type);
    }

    private static String abbreviate(String json) {
        return json.length() <= 200 ? json : json.substring(0, 200) + "...";
    }
}
