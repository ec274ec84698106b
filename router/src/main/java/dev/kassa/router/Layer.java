package dev.kassa.router;

/** Seed 003's provider layers: EPv1 the fiat network, EPv2 the provider list, EPv3 crypto checkout. */
public enum Layer {
    EPV1("EPv1"), EPV2("EPv2"), EPV3("EPv3");

    private final String label;

    Layer(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
