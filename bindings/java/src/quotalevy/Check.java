package quotalevy;

/** A check of a rule set: its name, title and citation. */
public record Check(String name, String title, String source) {}
