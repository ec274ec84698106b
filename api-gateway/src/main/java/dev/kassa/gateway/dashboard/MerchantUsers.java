package dev.kassa.gateway.dashboard;

import dev.kassa.gateway.ApiError;
import dev.kassa.gateway.GatewaySettings;
import dev.kassa.gateway.Secrets;
import dev.kassa.gateway.kafka.KafkaBackend;
import dev.kassa.model.ErrorCode;
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

    private final KafkaBackend kafka;
    private final GatewaySettings settings;
    private final Clock clock;

    private final dev.kassa.schemas.SecretKeyring keyring;

    MerchantUsers(KafkaBackend kafka, GatewaySettings settings, Clock clock, dev.kassa.schemas.SecretKeyring keyring) {
        this.keyring = keyring;
        this.kafka = kafka;
        this.settings = settings;
        this.clock = clock;
    }

    /** What the operator gets: the user and the link to give them (shown once). */
    public record Invitation(String email, long merchantId, String setPasswordUrl, Instant expiresAt) {
    }

    /** Invites {@code email} to {@code merchantId}'s dashboard (again: a new link, the old one stops working). */
    public Invitation invite(long merchantId, String rawEmail) throws Exception {
        String email = normalize(rawEmail);
        if (kafka.merchantRecord(merchantId) == null) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no merchant " + merchantId);
        }
        MerchantUser existing = kafka.user(email);
        if (existing != null && existing.getMerchantId() != merchantId) {
            throw new ApiError(ErrorCode.EMAIL_TAKEN, "this e-mail signs in to another merchant's dashboard; use another address");
        }
        Instant now = clock.instant();
        String token = DashboardSessions.random();
        Instant expires = now.plus(LINK_LIFETIME);
        MerchantUser user = (existing == null
                ? MerchantUser.newBuilder().setEmail(email).setMerchantId(merchantId).setCreatedAt(now).setSessionsValidAfter(now)
                : MerchantUser.newBuilder(existing))
                .setSetPasswordTokenHash(Secrets.hash(token)).setSetPasswordExpiresAt(expires).setUpdatedAt(now).build();
        if (kafka.putUser(user, Duration.ofSeconds(10)) == null) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the user was written but is not readable yet; retry");
        }
        return new Invitation(email, merchantId, settings.publicUrl() + "/dashboard/set-password?token=" + token, expires);
    }

    /** The user with this (lower-case) e-mail, or null. */
    MerchantUser user(String email) {
        return kafka.user(email);
    }

    /** The user a set-password token opens, if it is valid now; null otherwise. */
    MerchantUser byToken(String token) {
        if (token == null || token.isBlank() || token.length() > 100) {
            return null;
        }
        String hash = Secrets.hash(token);
        Instant now = clock.instant();
        // Users are few (people, not sessions): a walk of the replica is cheaper than another index.
        for (MerchantUser user : kafka.users()) {
            if (user.getSetPasswordTokenHash() != null && Secrets.same(user.getSetPasswordTokenHash(), hash)
                    && user.getSetPasswordExpiresAt() != null && now.isBefore(user.getSetPasswordExpiresAt())) {
                return user;
            }
        }
        return null;
    }

    /** Sets the password of the token's user, uses the token up, ends the user's other sessions and turns two-step sign-in off. */
    MerchantUser setPassword(MerchantUser user, String password) throws Exception {
        Instant now = clock.instant();
        // The operator's link is also the way back for someone who lost their authenticator: it resets the second step.
        MerchantUser changed = MerchantUser.newBuilder(user).setPasswordHash(Passwords.hash(password.toCharArray()))
                .setSetPasswordTokenHash(null).setSetPasswordExpiresAt(null).setSessionsValidAfter(now)
                .setTotpSecret(null).setTotpEnabledAt(null).setUpdatedAt(now).build();
        if (kafka.putUser(changed, Duration.ofSeconds(10)) == null) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the password was written but is not readable yet; retry");
        }
        return changed;
    }

    /** Turns two-step sign-in on with this key (sealed with the keyring), or off with null. */
    MerchantUser setTwoStep(MerchantUser user, String key) throws Exception {
        Instant now = clock.instant();
        MerchantUser changed = MerchantUser.newBuilder(user).setTotpSecret(key == null ? null : keyring.seal(user.getMerchantId(), key))
                .setTotpEnabledAt(key == null ? null : now).setUpdatedAt(now).build();
        if (kafka.putUser(changed, Duration.ofSeconds(10)) == null) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the change was written but is not readable yet; retry");
        }
        return changed;
    }

    /** The user's two-step key in clear, or null when the user signs in with a password only. */
    String twoStepKey(MerchantUser user) {
        return user.getTotpSecret() == null ? null : keyring.open(user.getMerchantId(), user.getTotpSecret());
    }

    /** The user with this e-mail and password, or null (in about the same time whether or not the e-mail exists). */
    MerchantUser signIn(String rawEmail, String password) {
        MerchantUser user = rawEmail == null ? null : kafka.user(rawEmail.trim().toLowerCase(Locale.ROOT));
        boolean ok = Passwords.matches(user == null ? null : user.getPasswordHash(), password);
        return ok ? user : null;
    }

    static String normalize(String rawEmail) {
        String email = rawEmail == null ? "" : rawEmail.trim().toLowerCase(Locale.ROOT);
        if (email.length() > 254 || !email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            throw rawEmail == null ? ApiError.missingField("email") : new ApiError(ErrorCode.INVALID_EMAIL, "'email' is not an e-mail address");
        }
        return email;
    }
}
