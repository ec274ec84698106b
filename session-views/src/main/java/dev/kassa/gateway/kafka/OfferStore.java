package dev.kassa.gateway.kafka;

import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.TopicProducer;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.PaymentLink;
import dev.kassa.schemas.avro.PaymentLinkCommand;
import dev.kassa.schemas.avro.Product;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What merchants offer besides a checkout: payment links (the link fold's state, with the index from a link page's
 * code to its id) and products (the gateway writes them), as replicas of their compacted topics.
 */
@Context // started with the gateway: its replica (or results reader) is caught up before the first request needs it
public final class OfferStore implements AutoCloseable {

    private final TopicProducer producer;
    /** Payment links by id (the fold's state; few per merchant) and the index from a link page's code to its id. */
    private final Replica<String, PaymentLink> links;
    private final Map<String, String> linkByCode = new ConcurrentHashMap<>();
    /** Products by slug (the gateway writes them). */
    private final Replica<String, Product> products;

    OfferStore(KafkaAccess access, TopicProducer producer) {
        this.producer = producer;
        links = new Replica<>(access, Topics.PAYMENT_LINKS.name(), Serdes.String().deserializer(),
                Topics.PAYMENT_LINKS.valueSerde().deserializer(), (id, before, link) -> {
                    if (link != null) {
                        linkByCode.put(link.getCode(), id);
                    } else if (before != null) {
                        linkByCode.remove(before.getCode(), id);
                    }
                });
        products = new Replica<>(access, Topics.PRODUCTS.name(), Serdes.String().deserializer(),
                Topics.PRODUCTS.valueSerde().deserializer(), (slug, before, product) -> { });
    }

    /** Whether the replicas have caught up with what the topics held at start. */
    public boolean loaded() {
        return links.loaded() && products.loaded();
    }

    /** A payment link by id, or null. */
    public PaymentLink link(String linkId) {
        return links.get(linkId);
    }

    /** A payment link by its page's code, or null. */
    public PaymentLink linkByCode(String code) {
        String id = code == null ? null : linkByCode.get(code);
        return id == null ? null : links.get(id);
    }

    /** The merchant's payment links, newest first. */
    public List<PaymentLink> links(long merchantId) {
        return links.snapshot().stream().filter(l -> l.getMerchantId() == merchantId)
                .sorted(Comparator.comparing(PaymentLink::getCreatedAt).reversed()).toList();
    }

    /**
     * Sends a command to the payment-link fold and waits until this gateway's replica shows the link as {@code ready}
     * says (read-your-writes); the link as it then is, or null if it never came.
     */
    public PaymentLink changeLink(PaymentLinkCommand command,
            Predicate<PaymentLink> ready, Duration timeout) throws Exception {
        producer.send(Topics.PAYMENT_LINK_COMMANDS, command.getLinkId(), command).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return links.await(command.getLinkId(), ready, timeout);
    }

    /** A product by slug, or null. */
    public Product product(String slug) {
        return slug == null ? null : products.get(slug);
    }

    /** The merchant's products, by name. */
    public List<Product> products(long merchantId) {
        return products.snapshot().stream().filter(p -> p.getMerchantId() == merchantId)
                .sorted(Comparator.comparing(Product::getName)).toList();
    }

    /** Writes a product and waits until this gateway's replica has it (read-your-writes). */
    public Product putProduct(Product product, Duration timeout) throws Exception {
        producer.send(Topics.PRODUCTS, product.getSlug(), product).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return products.await(product.getSlug(), p -> p.getUpdatedAt().equals(product.getUpdatedAt()), timeout);
    }

    @PreDestroy
    @Override
    public void close() {
        links.close();
        products.close();
    }
}
