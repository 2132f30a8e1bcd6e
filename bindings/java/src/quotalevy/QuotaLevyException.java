package quotalevy;

/**
 * Any error from quotalevy.  {@link #getMessage()} is the whole report
 * ("file:line:column: message"); the parts are {@link #getStatus()} (the
 * C status name, e.g. {@code "QL_ERECORD"}), {@link #getReason()} (the
 * message without its location), {@link #getFile()}, {@link #getLine()},
 * {@link #getColumn()} (in a rules file; {@code null} / 0 when unknown)
 * and {@link #getField()} (the record field or rule element concerned,
 * {@code null} when none).
 *
 * <p>Unchecked, so that evaluations compose with streams and lambdas;
 * a rules file that cannot be loaded throws {@link RulesException}, a
 * record that cannot be evaluated {@link RecordException}.
 */
public class QuotaLevyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String status;
    private final String reason;
    private final String file;
    private final int line;
    private final int column;
    private final String field;

    public QuotaLevyException(String status, String reason, String file, int line,
                              int column, String field, String text) {
        super(text == null || text.isEmpty() ? reason : text);
        this.status = status;
        this.reason = reason;
        this.file = file == null || file.isEmpty() ? null : file;
        this.line = line;
        this.column = column;
        this.field = field == null || field.isEmpty() ? null : field;
    }

    /** The C status name, e.g. {@code "QL_EPARSE"}. */
    public String getStatus() {
        return status;
    }

    /** The message without its location. */
    public String getReason() {
        return reason;
    }

    /** The rules file concerned, or {@code null}. */
    public String getFile() {
        return file;
    }

    /** The line in {@link #getFile()}, 1-based; 0 when unknown. */
    public int getLine() {
        return line;
    }

    /** The column in {@link #getFile()}, 1-based; 0 when unknown. */
    public int getColumn() {
        return column;
    }

    /** The record field (or rule element) concerned, or {@code null}. */
    public String getField() {
        return field;
    }

    /* Statuses that come from a rules file rather than a record. */
    private static boolean rulesStatus(String status) {
        switch (status) {
        case "QL_EIO": case "QL_EPARSE": case "QL_ESCHEMA": case "QL_ETYPE":
        case "QL_ENAME": case "QL_ELIMIT": case "QL_ERANGE":
            return true;
        default:
            return false;
        }
    }

    /* The exception of the packed error at the cursor (after its "E"). */
    static QuotaLevyException read(Utf8.Fields f, boolean record) {
        String status = f.next(), reason = f.next(), file = f.next();
        int line = Integer.parseInt(f.next()), column = Integer.parseInt(f.next());
        String field = f.next(), text = f.next();
        if (record || status.equals("QL_ERECORD") || status.equals("QL_ENODATA"))
            return new RecordException(status, reason, file, line, column, field, text);
        if (rulesStatus(status))
            return new RulesException(status, reason, file, line, column, field, text);
        return new QuotaLevyException(status, reason, file, line, column, field, text);
    }

    /* Called from C (quotalevy_java.i) with a packed error. */
    static QuotaLevyException fromNative(byte[] packed) {
        Utf8.Fields f = new Utf8.Fields(packed);
        f.next(); /* "E" */
        return read(f, false);
    }
}
