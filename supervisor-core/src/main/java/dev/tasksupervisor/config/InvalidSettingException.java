package dev.tasksupervisor.config;

import java.util.Objects;

/**
 * A setting of the supervisor, its pool or a worker has a value it cannot work with. The one exception
 * the engine's validation throws: its message names the setting, the value and what to set instead, and
 * its parts ({@link #owner()}, {@link #setting()}, {@link #value()}, {@link #rule()}) let a layer above
 * (the Spring Boot starter) say the same in its own terms, naming the property the value came from.
 */
public class InvalidSettingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** What the value breaks. */
    public enum Rule {
        /** It must be 0 or more. */
        NOT_NEGATIVE,
        /** It must be more than 0. */
        POSITIVE,
        /** It must be 1 or more. */
        AT_LEAST_ONE,
        /** It must not be above {@link #other()}. */
        NOT_ABOVE,
        /** It and {@link #other()} cannot both be set. */
        NOT_BOTH,
        /** It or {@link #other()} must be set. */
        ONE_OF,
        /** It must lie between a least and a most value, both given in the message. */
        IN_RANGE
    }

    private final String owner;
    private final String setting;
    private final transient Object value;
    private final Rule rule;
    private final String other;
    private final transient Object otherValue;

    private InvalidSettingException(String message, String owner, String setting, Object value, Rule rule,
            String other, Object otherValue) {
        super(message);
        this.owner = owner;
        this.setting = setting;
        this.value = value;
        this.rule = rule;
        this.other = other;
        this.otherValue = otherValue;
    }

    /**
     * {@code setting} of {@code owner} must be 0 or more.
     *
     * @param owner whose setting it is, as messages name it: {@code "pool"}, {@code "worker 'tick'"}, or
     *     {@code null} for the supervisor's own
     * @param fix what to set, e.g. {@code "set it to 0 or more"}
     */
    public static InvalidSettingException notNegative(String owner, String setting, Object value, String fix) {
        return new InvalidSettingException(subject(owner, setting) + " must not be negative, was " + value + ": " + fix,
                owner, setting, value, Rule.NOT_NEGATIVE, null, null);
    }

    /** {@code setting} of {@code owner} must be more than 0; {@code example} a good value, such as {@code "1s"}. */
    public static InvalidSettingException positive(String owner, String setting, Object value, String example) {
        return new InvalidSettingException(subject(owner, setting) + " must be positive, was " + value
                + ": set a positive duration, such as " + example, owner, setting, value, Rule.POSITIVE, null, null);
    }

    /** {@code setting} of {@code owner} must be 1 or more. */
    public static InvalidSettingException atLeastOne(String owner, String setting, Object value, String fix) {
        return new InvalidSettingException(subject(owner, setting) + " must be at least 1, was " + value + ": " + fix,
                owner, setting, value, Rule.AT_LEAST_ONE, null, null);
    }

    /** {@code setting} of {@code owner} must not be above {@code other}. */
    public static InvalidSettingException notAbove(String owner, String setting, Object value, String other,
            Object otherValue) {
        return new InvalidSettingException(subject(owner, setting) + " (" + value + ") must not be above " + other + " ("
                + otherValue + "): lower " + setting + " or raise " + other, owner, setting, value, Rule.NOT_ABOVE,
                other, otherValue);
    }

    /**
     * {@code setting} and {@code other} of {@code owner} are both set.
     *
     * @param message the whole message, since what the two mean differs from pair to pair
     */
    public static InvalidSettingException notBoth(String message, String owner, String setting, Object value,
            String other, Object otherValue) {
        return new InvalidSettingException(message, owner, setting, value, Rule.NOT_BOTH, other, otherValue);
    }

    /** {@code setting} of {@code owner} must lie between {@code least} and {@code most} ({@code most} null: no upper bound). */
    public static InvalidSettingException inRange(String owner, String setting, Object value, Object least,
            Object most, String fix) {
        return new InvalidSettingException(subject(owner, setting) + " must be " + (most == null ? "at least " + least
                : "between " + least + " and " + most) + ", was " + value + ": " + fix, owner, setting, value,
                Rule.IN_RANGE, null, null);
    }

    /** Neither {@code setting} nor {@code other} of {@code owner} is set; {@code message} says what to set. */
    public static InvalidSettingException oneOf(String message, String owner, String setting, String other) {
        return new InvalidSettingException(message, owner, setting, null, Rule.ONE_OF, other, null);
    }

    private static String subject(String owner, String setting) {
        Objects.requireNonNull(setting, "setting");
        if (owner == null) {
            return setting;
        }
        return owner.startsWith("worker ") ? owner + ": " + setting : owner + " " + setting;
    }

    /** Whose setting it is: {@code "pool"}, {@code "worker 'tick'"}, or {@code null} for the supervisor's own. */
    public String owner() {
        return owner;
    }

    /** The setting, as the Java API names it: {@code minSize}, {@code interval}, {@code poll delay}. */
    public String setting() {
        return setting;
    }

    /** The value refused; {@code null} for {@link Rule#ONE_OF}. */
    public Object value() {
        return value;
    }

    /** What the value breaks. */
    public Rule rule() {
        return rule;
    }

    /** The other setting of {@link Rule#NOT_ABOVE}, {@link Rule#NOT_BOTH} and {@link Rule#ONE_OF}, else {@code null}. */
    public String other() {
        return other;
    }

    /** The other setting's value, for {@link Rule#NOT_ABOVE} and {@link Rule#NOT_BOTH}; else {@code null}. */
    public Object otherValue() {
        return otherValue;
    }
}
