package quotalevy;

/**
 * An input field of a rule set: its name ({@code "employees"}, or
 * {@code "positions[3]"} for an item of a list input), its declared type
 * word ({@code "decimal"}, {@code "integer"}, {@code "money"},
 * {@code "bool"}, {@code "enum"}, {@code "string"}, {@code "date"}) and
 * its description ({@code null} if none).
 */
public record Input(String name, String type, String description) {}
