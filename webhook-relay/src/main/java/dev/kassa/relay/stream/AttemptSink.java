package dev.kassa.relay.stream;

import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.WebhookAttempt;

/**
 * Where finished attempts go: the webhook-attempts topic (the relay reads them back and folds them in), and, on a
 * 410 Gone, the merchant's profile with its endpoint disabled. Called from dispatcher threads.
 */
public interface AttemptSink {

    void attempted(WebhookAttempt attempt);

    void endpointDisabled(Merchant merchant);
}
