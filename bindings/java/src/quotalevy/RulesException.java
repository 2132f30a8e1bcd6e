package quotalevy;

/**
 * A rules file that cannot be loaded: {@link #getFile()},
 * {@link #getLine()} and {@link #getColumn()} say where, e.g. status
 * {@code QL_ENAME} for an unknown name in a formula, {@code QL_EIO} for a
 * file that cannot be read.
 */
public class RulesException extends QuotaLevyException {
    private static final long serialVersionUID = 1L;

    public RulesException(String status, String reason, String file, int line,
                          int column, String field, String text) {
        super(status, reason, file, line, column, field, text);
    }
}
