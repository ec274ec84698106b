package dev.kassa.gateway.operator;

import dev.kassa.gateway.kafka.MerchantDirectory;
import dev.kassa.gateway.kafka.UserStore;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.SecretKeyring.Binding;
import dev.kassa.schemas.SecretKeyring;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.MerchantUser;
import dev.kassa.schemas.avro.WebhookEndpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One pass of {@code reseal-secrets} over every sealed field Kassa writes: the endpoints' signing secrets (the first
 * endpoint's on the merchant record, the others' in its endpoint list, each with its previous secret) and the dashboard
 * users' two-step keys. A value not sealed (v2) with the keyring's first key is resealed bound to its owner and written
 * back; one that does not open is counted as unreadable and left as it is (its key is missing from the keyring).
 */
final class SecretReseal {

    /** What one kind's pass did: values resealed, values left (unreadable), and whose. */
    record Counts(int resealed, int remaining, List<String> unreadable) {
    }

    private final SecretKeyring keyring;
    private final MerchantDirectory merchantDirectory;
    private final UserStore userStore;
    private final SessionCommands commands;

    SecretReseal(SecretKeyring keyring, MerchantDirectory merchantDirectory, UserStore userStore, SessionCommands commands) {
        this.keyring = keyring;
        this.merchantDirectory = merchantDirectory;
        this.userStore = userStore;
        this.commands = commands;
    }

    Counts merchants() throws Exception {
        int resealed = 0;
        int remaining = 0;
        List<String> unreadable = new ArrayList<>();
        for (Merchant listed : merchantDirectory.merchantRecords()) {
            long id = listed.getMerchantId();
            if (stale(listed) == 0) {
                continue;
            }
            try {
                // Fenced like every change of a merchant record: a concurrent change is not lost, and not resealed twice.
                resealed += merchantDirectory.changeMerchant(id, () -> resealNow(id));
            } catch (SecretKeyring.UnreadableSecret e) {
                unreadable.add(Long.toString(id));
                remaining += stale(listed);
            }
        }
        return new Counts(resealed, remaining, unreadable);
    }

    /** Reseals the merchant's stale secrets (read now, inside the fence); how many. */
    private int resealNow(long id) throws Exception {
        Merchant current = merchantDirectory.merchantRecord(id);
        int stale = current == null ? 0 : stale(current);
        if (stale == 0) {
            return 0;
        }
        Binding first = Binding.endpoint(id, id);
        List<WebhookEndpoint> endpoints = new ArrayList<>();
        for (WebhookEndpoint e : current.getWebhookEndpoints()) {
            Binding binding = Binding.endpoint(id, e.getEndpointKey());
            endpoints.add(WebhookEndpoint.newBuilder(e).setSecret(keyring.reseal(binding, e.getSecret()))
                    .setPreviousSecret(keyring.reseal(binding, e.getPreviousSecret())).build());
        }
        Merchant next = Merchant.newBuilder(current).setUpdatedAt(commands.now())
                .setWebhookSecret(keyring.reseal(first, current.getWebhookSecret()))
                .setPreviousWebhookSecret(keyring.reseal(first, current.getPreviousWebhookSecret()))
                .setWebhookEndpoints(endpoints).build();
        if (merchantDirectory.putMerchant(next, Duration.ofSeconds(10)) == null) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "merchant " + id + " was resealed but is not readable yet; run it again");
        }
        return stale;
    }

    /** How many of the merchant's sealed values are not sealed (v2) with the first key. */
    private int stale(Merchant merchant) {
        int stale = stale(merchant.getWebhookSecret()) + stale(merchant.getPreviousWebhookSecret());
        for (WebhookEndpoint e : merchant.getWebhookEndpoints()) {
            stale += stale(e.getSecret()) + stale(e.getPreviousSecret());
        }
        return stale;
    }

    Counts users() throws Exception {
        int resealed = 0;
        int remaining = 0;
        List<String> unreadable = new ArrayList<>();
        for (MerchantUser user : userStore.users()) {
            if (stale(user.getTotpSecret()) == 0) {
                continue;
            }
            try {
                MerchantUser next = MerchantUser.newBuilder(user).setUpdatedAt(commands.now())
                        .setTotpSecret(keyring.reseal(Binding.twoStep(user.getMerchantId(), user.getEmail()), user.getTotpSecret())).build();
                if (userStore.putUser(next, Duration.ofSeconds(10)) == null) {
                    throw new ApiError(ErrorCode.UNAVAILABLE, "user " + user.getEmail() + " was resealed but is not readable yet; run it again");
                }
                resealed++;
            } catch (SecretKeyring.UnreadableSecret e) {
                unreadable.add(user.getEmail());
                remaining++;
            }
        }
        return new Counts(resealed, remaining, unreadable);
    }

    private int stale(String stored) {
        return stored == null || keyring.sealedWithPrimary(stored) ? 0 : 1;
    }
}
