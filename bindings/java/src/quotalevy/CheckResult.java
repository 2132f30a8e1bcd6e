package quotalevy;

import java.math.BigDecimal;

/**
 * The outcome of one check.  When the check does not apply,
 * {@code applicable} is false and {@code compliant}, {@code required},
 * {@code actual} and {@code shortfall} are {@code null}.  The numbers have
 * the library's exact digits and scale.
 */
public record CheckResult(String name, boolean applicable, Boolean compliant,
                          BigDecimal required, BigDecimal actual,
                          BigDecimal shortfall) {}
