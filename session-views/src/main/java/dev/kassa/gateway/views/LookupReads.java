package dev.kassa.gateway.views;

import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.BlindIndex;
import dev.kassa.gateway.shared.GatewayKeys;
import dev.kassa.model.ErrorCode;
import jakarta.inject.Singleton;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Support lookups in the session views ({@link SessionLookups}): a merchant's order is read where the merchant's views
 * live (one instance); an e-mail's blind index is asked of every instance, since a buyer's sessions lie with many
 * merchants. Only the blind index travels between gateways, never the address.
 */
@Singleton
public final class LookupReads {

    private final SessionViews views;
    private final BlindIndex emails;

    LookupReads(SessionViews views, GatewayKeys keys) {
        this.views = views;
        this.emails = keys.blindIndex();
    }

    /** Every session of a merchant's order the views hold (at most {@link SessionLookups#LIMIT}), oldest id first. */
    public List<SessionLookups.Found> byOrder(long merchantId, String orderId) throws InterruptedException {
        return SessionLookups.decode(views.byMerchant(merchantId, "/admin/views/lookups/orders/" + merchantId + "?order_id="
                + URLEncoder.encode(orderId, StandardCharsets.UTF_8), partition -> scanOrder(partition, merchantId, orderId)));
    }

    /** For the owner's endpoint. */
    byte[] ownedByOrder(long merchantId, String orderId) throws InterruptedException {
        return views.owned(merchantId, partition -> scanOrder(partition, merchantId, orderId));
    }

    private byte[] scanOrder(int partition, long merchantId, String orderId) {
        return SessionLookups.scan(views.<Bytes, byte[]>local(SessionLookups.STORE, partition), ViewKeys.orderLookup(merchantId, orderId, 0));
    }

    /** Every session of a buyer's e-mail the views hold, newest first (at most {@link SessionLookups#LIMIT}). */
    public List<SessionLookups.Found> byEmail(String email) throws InterruptedException {
        byte[] blind = emails.of(email);
        if (blind == null) {
            return List.of();
        }
        List<SessionLookups.Found> found = new ArrayList<>(SessionLookups.decode(ownedByEmail(blind)));
        String path = "/admin/views/lookups/emails/" + HexFormat.of().formatHex(blind);
        for (HostInfo peer : views.running().metadataForAllStreamsClients().stream().map(StreamsMetadata::hostInfo)
                .filter(h -> !h.equals(views.self)).toList()) {
            byte[] answer = views.peers.get(peer, path, Duration.ZERO, System.nanoTime() + SessionViews.AVAILABILITY.toNanos());
            if (answer != null && answer != SessionViews.NOT_OWNER) {
                found.addAll(SessionLookups.decode(answer));
            }
        }
        return found.stream().sorted(Comparator.comparing(SessionLookups.Found::createdAt).reversed()).limit(SessionLookups.LIMIT).toList();
    }

    /** The sessions of a blind index in the partitions this instance owns (a peer's question, or this instance's share). */
    byte[] ownedByEmail(byte[] blind) {
        try {
            ReadOnlyKeyValueStore<Bytes, byte[]> store = views.allLocal(SessionLookups.STORE);
            return SessionLookups.scan(store, ViewKeys.emailLookup(blind, 0));
        } catch (InvalidStateStoreException e) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the session views are restoring or moving between gateway instances; retry in a moment");
        }
    }
}
