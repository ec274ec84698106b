package dev.kassa.gateway.accounts;

import dev.kassa.gateway.kafka.MerchantDirectory;
import dev.kassa.gateway.kafka.UserStore;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.Secrets;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.SecretKeyring;
import dev.kassa.schemas.avro.MerchantUser;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The merchants' dashboard users on {@code kassa.merchant-users}: the operator invites an e-mail for a merchant and
 * gets a one-time link; whoever opens it sets the password (bcrypt); sign-in checks it. One e-mail belongs to one
 * merchant. The link's token is kept only as its SHA-256, valid 72 hours and once.
 */
@Singleton
public final class MerchantUsers {

    static final Duration LINK_LIFETIME = Duration.ofHours(72);

    private final MerchantDirectory merchantDirectory;
    private final UserStore userStore;
    private final GatewaySettings settings;
    private final Clock clock;

    private final SecretKeyring keyring;
    private final PasswordChecks passwords;

    MerchantUsers(MerchantDirectory merchantDirectory, UserStore userStore, GatewaySettings settings, Clock clock,
                  SecretKeyring keyring, PasswordChecks passwords) {
        this.keyring = keyring;
        this.passwords = passwords;
        this.merchantDirectory = merchantDirectory;
        this.userStore = userStore;
        this.settings = settings;
        this.clock = clock;
    }

    /** What the operator gets: the user and the link to give them (shown once). */
    public record Invitation(String email, long merchantId, String setPasswordUrl, Instant expiresAt) {
    }

    /** Invites {@code email} to {@code merchantId}'s dashboard (again: a new link, the old one stops working). */
    public Invitation invite(long merchantId, String rawEmail) throws Exception {
        String email = normalize(rawEmail);
        if (merchantDirectory.merchantRecord(merchantId) == null) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no merchant " + merchantId);
        }
        MerchantUser existing = userStore.user(email);
        if (existing != null && existing.getMerchantId() != merchantId) {
            throw new ApiError(ErrorCode.EMAIL_TAKEN, "this e-mail signs in to another merchant's dashboard; use another address");
        }
        Instant now = clock.instant();
        String token = Secrets.randomToken();
        Instant expires = now.plus(LINK_LIFETIME);
        MerchantUser user = (existing == null
                ? MerchantUser.newBuilder().setEmail(email).setMerchantId(merchantId).setCreatedAt(now).setSessionsValidAfter(now)
                : MerchantUser.newBuilder(existing))
                .setSetPasswordTokenHash(Secrets.hash(token)).setSetPasswordExpiresAt(expires).setUpdatedAt(now).build();
        if (userStore.putUser(user, Duration.ofSeconds(10)) == null) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the user was written but is not readable yet; retry");
        }
        return new Invitation(email, merchantId, settings.publicUrl() + "/dashboard/set-password?token=" + token, expires);
    }

    /** The user with this (lower-case) e-mail, or null. */
    public MerchantUser user(String email) {
        return userStore.user(email);
    }

    /** The user a set-password token opens, if it is valid now; null otherwise. */
    public MerchantUser byToken(String token) {
        if (token == null || token.isBlank() || token.length() > 100) {
            return null;
        }
        String hash = Secrets.hash(token);
        Instant now = clock.instant();
        // Users are few (people, not sessions): a walk of the replica is cheaper than another index.
        for (MerchantUser user : userStore.users()) {
            if (user.getSetPasswordTokenHash() != null && Secrets.same(user.getSetPasswordTokenHash(), hash)
                    && user.getSetPasswordExpiresAt() != null && now.isBefore(user.getSetPasswordExpiresAt())) {
                return user;
            }
        }
        return null;
    }

    /** Sets the password of the token's user, uses the token up, ends the user's other sessions and turns two-step sign-in off. */
    public MerchantUser setPassword(MerchantUser user, String password) throws Exception {
        Instant now = clock.instant();
        // The operator's link is also the way back for someone who lost their authenticator: it resets the second step.
        MerchantUser changed = MerchantUser.newBuilder(user).setPasswordHash(passwords.hash(password))
                .setSetPasswordTokenHash(null).setSetPasswordExpiresAt(null).setSessionsValidAfter(now)
                .setTotpSecret(null).setTotpEnabledAt(null).setUpdatedAt(now).build();
        if (userStore.putUser(changed, Duration.ofSeconds(10)) == null) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the password was written but is not readable yet; retry");
        }
        return changed;
    }

    /** Turns two-step sign-in on with this key (sealed with the keyring) and the step of the code that proved it, or off with null. */
    public MerchantUser setTwoStep(MerchantUser user, String key, long step) throws Exception {
        Instant now = clock.instant();
        MerchantUser changed = MerchantUser.newBuilder(user).setTotpSecret(key == null ? null : keyring.seal(SecretKeyring.Binding.twoStep(user.getMerchantId(), user.getEmail()), key))
                .setTotpEnabledAt(key == null ? null : now).setTotpLastStep(Math.max(step, user.getTotpLastStep())).setUpdatedAt(now).build();
        return put(changed);
    }

    /**
     * Whether {@code code} is a right two-step code of the user that was not used before; if so, its step is recorded
     * (written and read back before this answers), so the same code cannot open a second session or confirm a second change.
     */
    public boolean useCode(MerchantUser user, String code) throws Exception {
        long step = TwoStep.step(twoStepKey(user), code, clock.instant(), user.getTotpLastStep());
        if (step < 0) {
            return false;
        }
        put(MerchantUser.newBuilder(user).setTotpLastStep(step).setUpdatedAt(clock.instant()).build());
        return true;
    }

    /** Ends every dashboard session of the user now (sign-out: a copy of the cookie stops working too). */
    public void endSessions(MerchantUser user) throws Exception {
        Instant now = clock.instant();
        put(MerchantUser.newBuilder(user).setSessionsValidAfter(now).setUpdatedAt(now).build());
    }

    /**
     * Removes {@code email} from {@code merchantId}'s users (a tombstone on the compacted topic): their sessions end at
     * once, their password and set-password link stop working. Not found: not this merchant's user.
     */
    public void remove(long merchantId, String rawEmail) throws Exception {
        String email = normalize(rawEmail);
        MerchantUser user = userStore.user(email);
        if (user == null || user.getMerchantId() != merchantId) {
            throw new ApiError(ErrorCode.NOT_FOUND, "merchant " + merchantId + " has no dashboard user " + email);
        }
        if (!userStore.removeUser(email, Duration.ofSeconds(10))) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the removal was written but is not readable yet; retry");
        }
    }

    private MerchantUser put(MerchantUser changed) throws Exception {
        if (userStore.putUser(changed, Duration.ofSeconds(10)) == null) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the change was written but is not readable yet; retry");
        }
        return changed;
    }

    /** The user's two-step key in clear, or null when the user signs in with a password only. */
    String twoStepKey(MerchantUser user) {
        return user.getTotpSecret() == null ? null : keyring.open(SecretKeyring.Binding.twoStep(user.getMerchantId(), user.getEmail()), user.getTotpSecret());
    }

    /** The user with this e-mail and password, or null (in about the same time whether or not the e-mail exists). */
    public MerchantUser signIn(String rawEmail, String password, boolean knownBrowser) throws PasswordChecks.Busy {
        MerchantUser user = rawEmail == null ? null : userStore.user(rawEmail.trim().toLowerCase(Locale.ROOT));
        return passwords.matches(user == null ? null : user.getPasswordHash(), password, knownBrowser) ? user : null;
    }

    /** Whether the user's merchant may use its dashboard (not disabled by the operator, and still there). */
    public boolean merchantActive(long merchantId) {
        var merchant = merchantDirectory.merchant(merchantId);
        return merchant != null && !merchant.getDisabled();
    }

    public static String normalize(String rawEmail) {
        String email = rawEmail == null ? "" : rawEmail.trim().toLowerCase(Locale.ROOT);
        if (email.length() > 254 || !email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            throw rawEmail == null ? ApiError.missingField("email") : new ApiError(ErrorCode.INVALID_EMAIL, "'email' is not an e-mail address");
        }
        return email;
    }
}
