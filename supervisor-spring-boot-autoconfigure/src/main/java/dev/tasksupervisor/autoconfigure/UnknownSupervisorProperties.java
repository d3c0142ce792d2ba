package dev.tasksupervisor.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Warns at start-up of each {@code supervisor.*} key that no property binds: a typo Spring Boot would ignore.
 *
 * <p>The binder is the judge of what is known: {@code supervisor} is bound to {@link SupervisorProperties} as
 * {@code @ConfigurationProperties} binds it, recording each name bound, and every name under {@code supervisor}
 * in the environment's property sources that was not bound is unknown (the way Boot's
 * {@code NoUnboundElementsBindHandler} decides, without its failure). So every relaxed spelling the binder
 * accepts ({@code max-size}, {@code maxSize}, {@code max_size}, {@code SUPERVISOR_POOL_MAXSIZE}) is known, and a
 * key under {@code supervisor.workers.<name>} is checked against the properties of a worker whatever the name:
 * a name that matches no worker is {@link WorkerFactory}'s to warn of. The key suggested in its place comes from
 * the same class, read as a JavaBean, so neither list is written by hand.
 *
 * <p>A warning, not a failure: Spring Boot itself starts with unknown keys under a
 * {@code @ConfigurationProperties} prefix, and a key may belong to a newer version of the starter than the one
 * on the class path.
 */
final class UnknownSupervisorProperties implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(UnknownSupervisorProperties.class);

    private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("supervisor");

    /** Stands for a map's key in {@link #KNOWN}: {@code supervisor.workers.*.interval}. */
    private static final String ANY = "*";

    /** Every key {@link SupervisorProperties} has, in dashed form, a map's key as {@link #ANY}. */
    private static final List<String> KNOWN = knownKeys(SupervisorProperties.class, "supervisor");

    private final Environment environment;

    UnknownSupervisorProperties(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void afterSingletonsInstantiated() {
        for (ConfigurationProperty property : find(environment)) {
            String name = property.getName().toString();
            String meant = meant(property.getName());
            if (meant == null && isShared(property.getSource())) {
                log.debug("Ignoring {} (from {}): not a supervisor property, nor close to one", name, origin(property));
                continue;
            }
            log.warn("Property {} (from {}) is not a supervisor property and is ignored; {}", name, origin(property),
                    meant != null ? "did you mean " + meant + "?" : keysOf(group(elements(property.getName()))));
        }
    }

    /** The properties under {@code supervisor} that nothing binds, the first source's for a key set twice. */
    static List<ConfigurationProperty> find(Environment environment) {
        Iterable<ConfigurationPropertySource> sources = ConfigurationPropertySources.get(environment);
        BoundNames bound = new BoundNames();
        new Binder(sources, new PropertySourcesPlaceholdersResolver(environment),
                ApplicationConversionService.getSharedInstance())
                .bind(ROOT, Bindable.of(SupervisorProperties.class), bound);
        Map<ConfigurationPropertyName, ConfigurationProperty> unknown = new LinkedHashMap<>();
        for (ConfigurationPropertySource source : sources) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                boolean environmentVariables = source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource;
                for (ConfigurationPropertyName name : iterable.filter(ROOT::isAncestorOf)) {
                    if (!bound.covers(name, environmentVariables) && !unknown.containsKey(name)) {
                        ConfigurationProperty property = iterable.getConfigurationProperty(name);
                        if (property != null) {
                            unknown.put(name, property);
                        }
                    }
                }
            }
        }
        return List.copyOf(unknown.values());
    }

    /**
     * Whether other programs write to the source too: a {@code SUPERVISOR_PROCESS_NAME} that supervisord gives
     * its children, a {@code -Dsupervisor.*} of a tool. There only a near miss of a known key is warned of.
     */
    private static boolean isShared(ConfigurationPropertySource source) {
        Object underlying = source.getUnderlyingSource();
        return underlying instanceof SystemEnvironmentPropertySource || (underlying instanceof PropertySource<?> named
                && StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME.equals(named.getName()));
    }

    /**
     * The names the binder bound, or tried to bind and failed: a known key with a bad value is not a typo, and
     * the application's own binding reports the value.
     */
    private static final class BoundNames extends AbstractBindHandler {

        private final Set<ConfigurationPropertyName> names = new HashSet<>();

        /** The names as letters and digits only, for environment variables (below). */
        private final Set<String> squashed = new HashSet<>();

        @Override
        public @Nullable Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
                Object result) {
            add(name);
            return super.onSuccess(name, target, context, result);
        }

        @Override
        public @Nullable Object onFailure(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
                Exception error) {
            add(name);
            return null;
        }

        private void add(ConfigurationPropertyName name) {
            names.add(name);
            squashed.add(squash(name));
        }

        /**
         * Whether {@code name} was bound, or is an element of a bound list: a list given in two sources is
         * bound from the first, and the other's elements ({@code includes[1]}) are overridden, not unknown. An
         * environment variable's name is compared by its letters and digits alone: Boot reads
         * {@code SUPERVISOR_SHUTDOWN_CANCEL_TASKS} for {@code cancel-tasks}, but lists it as
         * {@code supervisor.shutdown.cancel.tasks}.
         */
        boolean covers(ConfigurationPropertyName name, boolean environmentVariable) {
            if (names.contains(name) || (environmentVariable && squashed.contains(squash(name)))) {
                return true;
            }
            for (int i = 1; i < name.getNumberOfElements(); i++) {
                if (name.isNumericIndex(i) && names.contains(name.chop(i))) {
                    return true;
                }
            }
            return false;
        }

        private static String squash(ConfigurationPropertyName name) {
            return name.toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        }
    }

    // ------------------------------------------------------------------ what to say about one key

    /** Where the key was set: file and line when Spring Boot tracked them, else the property source's name. */
    private static String origin(ConfigurationProperty property) {
        if (property.getOrigin() != null) {
            return property.getOrigin().toString();
        }
        Object underlying = property.getSource().getUnderlyingSource();
        return "property source '" + (underlying instanceof PropertySource<?> source ? source.getName() : underlying)
                + "'";
    }

    /**
     * The known key closest to {@code name}: the one a few letters away ({@code max-sise}), else the only one
     * with its last element elsewhere ({@code supervisor.max-size} for {@code supervisor.pool.max-size}), else the
     * only one in its group that its last element starts with or shortens ({@code backoff.maximum} for
     * {@code backoff.max}); null if none is that close.
     */
    static @Nullable String meant(ConfigurationPropertyName unknown) {
        String[] elements = elements(unknown);
        String name = String.join(".", elements);
        String leaf = letters(elements[elements.length - 1]);
        String parent = String.join(".", Arrays.copyOf(elements, elements.length - 1));
        String closest = null;
        int closestDistance = Integer.MAX_VALUE;
        List<String> sameLast = new ArrayList<>();
        List<String> sameStart = new ArrayList<>();
        for (String pattern : KNOWN) {
            String candidate = instantiate(pattern, elements);
            if (candidate == null) {
                continue;
            }
            int distance = distance(letters(name), letters(candidate));
            String candidateLeaf = letters(last(candidate));
            // On a tie, the one that starts as it does: max-retry is max-retries rather than max-delay.
            if (distance < closestDistance || (distance == closestDistance
                    && commonStart(leaf, candidateLeaf) > commonStart(leaf, letters(last(closest))))) {
                closest = candidate;
                closestDistance = distance;
            }
            if (candidateLeaf.equals(leaf)) {
                sameLast.add(candidate);
            }
            if (candidate.startsWith(parent + ".") && candidate.indexOf('.', parent.length() + 1) < 0
                    && Math.min(leaf.length(), candidateLeaf.length()) >= 3
                    && (leaf.startsWith(candidateLeaf) || candidateLeaf.startsWith(leaf))) {
                sameStart.add(candidate);
            }
        }
        if (closest != null && closestDistance <= Math.max(2, (leaf.length() + 2) / 3)) {
            return closest;
        }
        if (sameLast.size() == 1) {
            return sameLast.get(0);
        }
        return sameStart.size() == 1 ? sameStart.get(0) : null;
    }

    /** The name's elements, dashed, a map key in brackets without them: {@code supervisor, workers, ship, interval}. */
    private static String[] elements(ConfigurationPropertyName name) {
        String[] elements = new String[name.getNumberOfElements()];
        for (int i = 0; i < elements.length; i++) {
            elements[i] = name.getElement(i, ConfigurationPropertyName.Form.DASHED);
        }
        return elements;
    }

    /** The pattern with its map keys taken from {@code elements}, or null if they are too few to fill it. */
    private static @Nullable String instantiate(String pattern, String[] elements) {
        String[] parts = pattern.split("\\.");
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].equals(ANY)) {
                if (i >= elements.length - 1) {
                    return null;
                }
                parts[i] = elements[i];
            }
        }
        return String.join(".", parts);
    }

    /** The longest group of known keys that {@code elements} start with: {@code supervisor.workers.ship.retry}. */
    private static String group(String[] elements) {
        String group = elements[0];
        for (int length = elements.length - 1; length > 1; length--) {
            String prefix = String.join(".", Arrays.copyOf(elements, length));
            boolean known = KNOWN.stream().map(pattern -> instantiate(pattern, elements))
                    .anyMatch(key -> key != null && key.startsWith(prefix + "."));
            if (known) {
                group = prefix;
                break;
            }
        }
        return group;
    }

    /** What {@code group} has: its keys, and its nested groups as {@code lock.*}. */
    private static String keysOf(String group) {
        String[] elements = (group + ".x.x.x").split("\\.");
        Set<String> children = new TreeSet<>();
        for (String pattern : KNOWN) {
            String key = instantiate(pattern, elements);
            if (key != null && key.startsWith(group + ".")) {
                String rest = key.substring(group.length() + 1);
                int dot = rest.indexOf('.');
                children.add(dot < 0 ? rest : rest.substring(0, dot) + ".*");
            }
        }
        return group + ".* has: " + String.join(", ", children);
    }

    private static int commonStart(String a, String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }

    private static String last(String key) {
        return key.substring(key.lastIndexOf('.') + 1);
    }

    /** The key as the binder compares it: case, dashes and underscores do not count. */
    private static String letters(String key) {
        return key.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    /** Levenshtein distance: the fewest one-letter edits from {@code a} to {@code b}. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    // ------------------------------------------------------------------ the known keys

    /**
     * The keys of {@code type} read as a JavaBean, as the binder reads it: a property whose type is one of
     * {@link SupervisorProperties}' nested classes is a group, a map of them a group per key.
     */
    private static List<String> knownKeys(Class<?> type, String prefix) {
        List<String> keys = new ArrayList<>();
        for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
            if (property.getReadMethod() == null || property.getName().equals("class")) {
                continue;
            }
            String key = prefix + "." + DataObjectPropertyName.toDashedForm(property.getName());
            ResolvableType propertyType = ResolvableType.forMethodReturnType(property.getReadMethod());
            if (Map.class.isAssignableFrom(propertyType.toClass())) {
                Class<?> values = propertyType.asMap().getGeneric(1).toClass();
                keys.addAll(isGroup(values) ? knownKeys(values, key + "." + ANY) : List.of(key + "." + ANY));
            } else if (isGroup(propertyType.toClass())) {
                keys.addAll(knownKeys(propertyType.toClass(), key));
            } else if (property.getWriteMethod() != null) {
                keys.add(key);
            }
        }
        return List.copyOf(keys);
    }

    private static boolean isGroup(Class<?> type) {
        return type.getEnclosingClass() == SupervisorProperties.class && !type.isEnum();
    }
}
