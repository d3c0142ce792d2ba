package dev.tasksupervisor.autoconfigure.endpoint;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The {@link SupervisorEndpoint}'s statuses on the web: 404 for an unknown worker (a write too, where a
 * plain endpoint would answer 204), 400 for invalid input and 409 for an action the state does not allow,
 * each with a body that says why. Boot's own handling of an invalid request hides the reason unless
 * {@code server.error.include-message} is set. A write while the endpoint is read-only never gets here: Boot
 * maps no write operation then, and {@link ReadOnlyWritesHandlerMapping} answers it with 403.
 */
@EndpointWebExtension(endpoint = SupervisorEndpoint.class)
public class SupervisorEndpointWebExtension {

    private static final int STATUS_CONFLICT = 409;

    private final SupervisorEndpoint endpoint;

    /** The web side of {@code endpoint}. */
    public SupervisorEndpointWebExtension(SupervisorEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** One worker; 404 when there is none of that name. */
    @ReadOperation
    public WebEndpointResponse<OperationResponseBody> worker(SecurityContext securityContext, @Selector String name) {
        return respond(name, () -> endpoint.worker(securityContext, name));
    }

    /** A queue worker's dead letters; see {@link SupervisorEndpoint#workerPart}. 404 for no such worker. */
    @ReadOperation
    public WebEndpointResponse<OperationResponseBody> workerPart(SecurityContext securityContext, @Selector String name,
            @Selector String part) {
        return respond(name, () -> endpoint.workerPart(securityContext, name, part));
    }

    /** Resizes the pool; see {@link SupervisorEndpoint#resizePool}. */
    @WriteOperation
    public WebEndpointResponse<OperationResponseBody> resizePool(SecurityContext securityContext,
            @Nullable String minSize, @Nullable String maxSize) {
        return respond(null, () -> endpoint.resizePool(securityContext, minSize, maxSize));
    }

    /** Acts on a worker (start, stop, ..., reschedule); see {@link SupervisorEndpoint#workerAction}. */
    @WriteOperation
    public WebEndpointResponse<OperationResponseBody> workerAction(SecurityContext securityContext,
            @Selector String name, @Nullable String action, @Nullable String interval, @Nullable String delay,
            @Nullable String cron, @Nullable String zone) {
        return respond(name, () -> endpoint.workerAction(securityContext, name, action, interval, delay, cron, zone));
    }

    /** Runs the operation; a {@code null} result means the worker {@code name} does not exist. */
    private WebEndpointResponse<OperationResponseBody> respond(@Nullable String name,
            Supplier<@Nullable OperationResponseBody> operation) {
        try {
            OperationResponseBody body = operation.get();
            if (body == null) {
                return error(WebEndpointResponse.STATUS_NOT_FOUND, "Not Found",
                        endpoint.noSuchWorker(String.valueOf(name)));
            }
            return new WebEndpointResponse<>(body);
        } catch (InvalidEndpointRequestException e) {
            return error(WebEndpointResponse.STATUS_BAD_REQUEST, "Bad Request",
                    e.getReason() != null ? e.getReason() : e.getMessage());
        } catch (SupervisorEndpoint.StateConflictException e) {
            return error(STATUS_CONFLICT, "Conflict", e.getMessage());
        }
    }

    private static WebEndpointResponse<OperationResponseBody> error(int status, String phrase, String message) {
        return new WebEndpointResponse<>(new ErrorDescriptor(status, phrase, message), status);
    }

    /**
     * Why a request failed, in the fields of Spring Boot's own error responses.
     *
     * @param status the HTTP status
     * @param error its reason phrase
     * @param message what was wrong and how to fix it
     */
    public record ErrorDescriptor(int status, String error, String message) implements OperationResponseBody {
    }
}
