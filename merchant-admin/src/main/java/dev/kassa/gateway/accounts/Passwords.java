package dev.kassa.gateway.accounts;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * Dashboard passwords, hashed with bcrypt (Bouncy Castle's {@code OpenBSDBCrypt}: a well-kept implementation of the
 * standard {@code $2y$} format, salted per password). Cost 12: about a quarter of a second per check here, slow
 * enough for a stolen hash and cheap enough for a sign-in that is rate-limited anyway.
 */
public final class Passwords {

    static final int COST = 12;
    /** bcrypt reads at most 72 bytes: a longer password would be cut silently, so it is refused instead. */
    static final int MAX_BYTES = 72;
    public static final int MIN_CHARACTERS = 12;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Checked when the e-mail is unknown, so that a wrong e-mail costs as long as a wrong password. */
    private static final String DECOY = hash("decoy password nobody has".toCharArray());

    private Passwords() {
    }

    /** Why this password cannot be set, or null if it can. */
    public static String problem(String password) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_CHARACTERS) {
            return "Choose a password of at least " + MIN_CHARACTERS + " characters.";
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return "Choose a password of at most " + MAX_BYTES + " bytes (bcrypt reads no more).";
        }
        return null;
    }

    static String hash(char[] password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return OpenBSDBCrypt.generate("2y", password, salt, COST);
    }

    /** Whether {@code password} matches {@code hash}; a null hash (no password set yet) never matches, in the same time. */
    static boolean matches(String hash, String password) {
        if (password == null || password.isEmpty() || password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            OpenBSDBCrypt.checkPassword(DECOY, "x".toCharArray());
            return false;
        }
        boolean ok = OpenBSDBCrypt.checkPassword(hash == null ? DECOY : hash, password.toCharArray());
        return hash != null && ok;
    }
}
