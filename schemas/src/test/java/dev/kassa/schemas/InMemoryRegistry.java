package dev.kassa.schemas;

import io.apicurio.registry.resolver.client.RegistryArtifactReference;
import io.apicurio.registry.resolver.client.RegistryClientFacade;
import io.apicurio.registry.resolver.client.RegistryVersionCoordinates;
import io.apicurio.registry.resolver.strategy.ArtifactReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A registry in memory for unit tests of the registry mode (Apicurio's serde talks to it through its own client
 * interface): schemas by content id, artifacts by name. Integration against a running Apicurio needs Docker here
 * and is not part of the suite.
 */
final class InMemoryRegistry implements RegistryClientFacade {

    final Map<Long, String> schemas = new ConcurrentHashMap<>();
    final Map<String, Long> artifacts = new ConcurrentHashMap<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    final Map<Long, List<RegistryArtifactReference>> references = new ConcurrentHashMap<>();

    @Override
    public RegistryVersionCoordinates createSchema(String artifactType, String groupId, String artifactId, String version,
                                                   String ifExists, boolean canonical, String schema, Set<RegistryArtifactReference> refs) {
        calls.add("createSchema " + artifactId);
        String content = schema != null && schema.trim().startsWith("{") ? schema : findSchema(artifactType, groupId, artifactId, version, ifExists);
        long id = schemas.entrySet().stream().filter(e -> e.getValue().equals(content)).map(Map.Entry::getKey).findFirst()
                .orElseGet(() -> {
                    long next = schemas.size() + 1;
                    schemas.put(next, content);
                    return next;
                });
        artifacts.put(artifactId, id);
        references.put(id, refs == null ? List.of() : List.copyOf(refs));
        return RegistryVersionCoordinates.create(id, id, groupId, artifactId, "1");
    }

    private static String findSchema(String... candidates) {
        for (String c : candidates) {
            if (c != null && c.trim().startsWith("{")) {
                return c;
            }
        }
        throw new IllegalArgumentException("no schema among the arguments");
    }

    @Override
    public String getSchemaByContentId(Long contentId) {
        calls.add("getSchemaByContentId " + contentId);
        return schemas.get(contentId);
    }

    @Override
    public String getSchemaByGlobalId(long globalId, boolean dereferenced) {
        calls.add("getSchemaByGlobalId " + globalId);
        return schemas.get(globalId);
    }

    @Override
    public List<RegistryArtifactReference> getReferencesByContentId(long contentId) {
        return new ArrayList<>(references.getOrDefault(contentId, List.of()));
    }

    @Override
    public List<RegistryArtifactReference> getReferencesByGlobalId(long globalId) {
        return new ArrayList<>(references.getOrDefault(globalId, List.of()));
    }

    @Override
    public String getSchemaByGAV(String groupId, String artifactId, String version) {
        calls.add("getSchemaByGAV " + artifactId);
        Long id = artifacts.get(artifactId);
        return id == null ? null : schemas.get(id);
    }

    @Override
    public String getSchemaByContentHash(String hash) {
        throw new UnsupportedOperationException("getSchemaByContentHash");
    }

    @Override
    public List<RegistryArtifactReference> getReferencesByGAV(String groupId, String artifactId, String version) {
        Long id = artifacts.get(artifactId);
        return new ArrayList<>(id == null ? List.of() : references.getOrDefault(id, List.of()));
    }

    @Override
    public List<RegistryArtifactReference> getReferencesByContentHash(String hash) {
        return new ArrayList<>();
    }

    @Override
    public List<RegistryVersionCoordinates> searchVersionsByContent(String schema, String type, ArtifactReference reference, boolean canonical) {
        calls.add("searchVersionsByContent");
        return new ArrayList<>();
    }

    @Override
    public RegistryVersionCoordinates getVersionCoordinatesByGAV(String groupId, String artifactId, String version) {
        Long id = artifacts.get(artifactId);
        if (id == null) {
            throw new IllegalStateException("no artifact " + artifactId);
        }
        return RegistryVersionCoordinates.create(id, id, groupId, artifactId, "1");
    }

    @Override
    public Object getClient() {
        return null;
    }
}
