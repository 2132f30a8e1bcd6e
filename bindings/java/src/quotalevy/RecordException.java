package quotalevy;

/**
 * A record that cannot be evaluated: {@link #getField()} names the field
 * when the problem is one field's (a bad or refused value, an empty field
 * that is needed, a broken validation, an unknown field); {@link #getFile()},
 * {@link #getLine()} and {@link #getColumn()} locate the rule that needed
 * it.  Status {@code QL_ENODATA}: no parameter value is in force on the
 * date.
 */
public class RecordException extends QuotaLevyException {
    private static final long serialVersionUID = 1L;

    public RecordException(String status, String reason, String file, int line,
                           int column, String field, String text) {
        super(status, reason, file, line, column, field, text);
    }

    /* A record refused on the Java side, before it reached the library. */
    static RecordException refused(String field, String reason) {
        return new RecordException("QL_ERECORD", reason, null, 0, 0, field,
                                   "field " + Utf8.quoted(field) + ": " + reason);
    }
}
