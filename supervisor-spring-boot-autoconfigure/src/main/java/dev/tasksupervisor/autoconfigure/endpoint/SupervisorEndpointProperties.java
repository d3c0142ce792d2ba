package dev.tasksupervisor.autoconfigure.endpoint;

import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What the {@code supervisor} endpoint shows of the values it holds ({@code management.endpoint.supervisor.*}),
 * as Spring Boot's {@code env} and {@code configprops} endpoints do: dead-letter items and error messages.
 */
@ConfigurationProperties("management.endpoint.supervisor")
public class SupervisorEndpointProperties {

    /** When to show the items and error messages of dead letters; hidden as ****** otherwise. */
    private Show showValues = Show.NEVER;

    /** Roles that may see the values when show-values is when-authorized; none: any authenticated user. */
    private Set<String> roles = new LinkedHashSet<>();

    public Show getShowValues() {
        return showValues;
    }

    public void setShowValues(Show showValues) {
        this.showValues = showValues;
    }

    public Set<String> getRoles() {
        return roles;
    }

    public void setRoles(Set<String> roles) {
        this.roles = roles;
    }
}
