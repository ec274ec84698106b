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

    MerchantUsers(KafkaBackend kafka, GatewaySettings settings, Clock clock) {
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

    /** Sets the password of the token's user, uses the token up, and ends the user's other sessions. */
    MerchantUser setPassword(MerchantUser user, String password) throws Exception {
        Instant now = clock.instant();
        MerchantUser changed = MerchantUser.newBuilder(user).setPasswordHash(Passwords.hash(password.toCharArray()))
                .setSetPasswordTokenHash(null).setSetPasswordExpiresAt(null).setSessionsValidAfter(now).setUpdatedAt(now).build();
        if (kafka.putUser(changed, Duration.ofSeconds(10)) == null) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the password was written but is not readable yet; retry");
        }
        return changed;
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
