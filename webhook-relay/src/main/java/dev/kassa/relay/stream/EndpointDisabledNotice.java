package dev.kassa.relay.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.schemas.WebhookEndpoints;
import dev.kassa.schemas.avro.RedeliveryRequest;
import dev.kassa.schemas.avro.WebhookEndpointStatus;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The relay's fact that it disabled an endpoint, and the operational webhook that tells the merchant's other enabled
 * endpoints, once, signed as any webhook ({@code "type": "webhook_endpoint.disabled"}), so someone learns of it before
 * days of payments go unheard. Sent out of band, as a redelivery is: its attempts are recorded (session 0), it moves
 * no queue.
 */
final class EndpointDisabledNotice {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EndpointDisabledNotice() {
    }

    /** The fact, keyed like the endpoint (the first endpoint's key is the merchant id, written as null). */
    static WebhookEndpointStatus fact(long merchantId, long endpointKey, String url, String reason, Instant at) {
        return WebhookEndpointStatus.newBuilder().setMerchantId(merchantId).setUrl(url).setDisabled(true).setReason(reason).setAt(at)
                .setEndpointKey(endpointKey == merchantId ? null : endpointKey).build();
    }

    /** One redelivery of the notice per other enabled endpoint of the merchant. */
    static List<RedeliveryRequest> to(long merchantId, List<WebhookEndpoints.Endpoint> endpoints, long disabledKey, String url,
                                      String reason, Instant at) {
        Map<String, Object> notice = new LinkedHashMap<>();
        String eventId = "evt_endpoint_disabled_" + disabledKey + "_" + at.toEpochMilli();
        notice.put("type", "webhook_endpoint.disabled");
        notice.put("event_id", eventId);
        notice.put("merchant_id", merchantId);
        notice.put("endpoint_id", WebhookEndpoints.id(disabledKey));
        notice.put("url", url);
        notice.put("reason", reason);
        notice.put("disabled_at", at.toString());
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(notice);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        List<RedeliveryRequest> requests = new ArrayList<>();
        for (WebhookEndpoints.Endpoint other : endpoints) {
            if (other.key() == disabledKey || !other.enabled()) {
                continue;
            }
            requests.add(RedeliveryRequest.newBuilder().setRequestId(eventId).setEventId(eventId).setSessionId(0).setMerchantId(merchantId)
                    .setSequence(0).setBody(ByteBuffer.wrap(body)).setRequestedAt(at).setRequestedBy("relay:endpoint-disabled")
                    .setEndpointId(other.id()).build());
        }
        return requests;
    }
}
