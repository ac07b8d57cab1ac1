package io.trinospot.fis.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * FIS's REST-JSON API over the JDK HTTP client, each request signed with the AWS SDK's SigV4 signer (service name
 * {@code fis}). This stands in for the SDK's generated {@code FisClient}, whose artifact this build cannot obtain;
 * the wire format is the one FIS documents: {@code POST /experimentTemplates}, {@code POST /experiments},
 * {@code GET /experiments/{id}}.
 */
public final class SignedFisClient
        implements FisApi
{
    static final String SERVICE = "fis";
    // the JDK client sets these itself and refuses them from callers; they are still part of what was signed
    private static final Set<String> RESTRICTED_HEADERS = Set.of("host", "content-length", "connection", "expect", "upgrade");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final URI endpoint;
    private final String region;
    private final AwsCredentialsProvider credentials;
    private final HttpClient http;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    public SignedFisClient(URI endpoint, String region, AwsCredentialsProvider credentials)
    {
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        this.region = requireNonNull(region, "region is null");
        this.credentials = requireNonNull(credentials, "credentials is null");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** FIS's regional endpoint. */
    public static URI endpointFor(String region)
    {
        return URI.create("https://fis." + region + ".amazonaws.com");
    }

    @Override
    public String createExperimentTemplate(ObjectNode template, String clientToken)
            throws FisException
    {
        ObjectNode body = template.deepCopy();
        body.put("clientToken", clientToken);
        JsonNode response = call(SdkHttpMethod.POST, "/experimentTemplates", Optional.of(body));
        return text(response.path("experimentTemplate").path("id"), "experimentTemplate.id");
    }

    @Override
    public ExperimentStatus startExperiment(String templateId, String clientToken)
            throws FisException
    {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("clientToken", clientToken);
        body.put("experimentTemplateId", templateId);
        return experiment(call(SdkHttpMethod.POST, "/experiments", Optional.of(body)));
    }

    @Override
    public ExperimentStatus getExperiment(String experimentId)
            throws FisException
    {
        return experiment(call(SdkHttpMethod.GET, "/experiments/" + URLEncoder.encode(experimentId, StandardCharsets.UTF_8), Optional.empty()));
    }

    private static ExperimentStatus experiment(JsonNode response)
            throws FisException
    {
        JsonNode experiment = response.path("experiment");
        Map<String, String> actions = new LinkedHashMap<>();
        experiment.path("actions").properties().forEach(entry -> actions.put(entry.getKey(), entry.getValue().path("state").path("status").asText("unknown")));
        JsonNode reason = experiment.path("state").path("reason");
        return new ExperimentStatus(
                text(experiment.path("id"), "experiment.id"),
                text(experiment.path("state").path("status"), "experiment.state.status"),
                reason.isTextual() ? Optional.of(reason.asText()) : Optional.empty(),
                actions);
    }

    private JsonNode call(SdkHttpMethod method, String path, Optional<ObjectNode> body)
            throws FisException
    {
        byte[] payload = body.map(json -> json.toString().getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
        URI uri = endpoint.resolve(path);
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(method).uri(uri);
        if (body.isPresent()) {
            unsigned.putHeader("Content-Type", "application/json");
        }
        AwsCredentialsIdentity identity;
        try {
            identity = credentials.resolveCredentials();
        }
        catch (RuntimeException e) {
            throw new FisException("no AWS credentials: " + e.getMessage(), e);
        }
        SignedRequest signed = signer.sign(request -> request
                .identity(identity)
                .request(unsigned.build())
                .payload(ContentStreamProvider.fromByteArray(payload))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SERVICE)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));

        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .method(method.name(), body.isPresent() ? HttpRequest.BodyPublishers.ofByteArray(payload) : HttpRequest.BodyPublishers.noBody());
        signed.request().forEachHeader((name, values) -> {
            if (!RESTRICTED_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                values.forEach(value -> request.header(name, value));
            }
        });

        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException e) {
            throw new FisException(method + " " + uri + ": " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FisException(method + " " + uri + ": interrupted", e);
        }
        JsonNode json = parse(response.body());
        if (response.statusCode() / 100 != 2) {
            // REST-JSON errors name their type in a header (sometimes "Type:extra") and explain in body.message
            String type = response.headers().firstValue("x-amzn-ErrorType").map(value -> value.split(":")[0]).orElse("HTTP " + response.statusCode());
            String message = json.path("message").asText(json.path("Message").asText(response.body().strip()));
            throw new FisException(method + " " + path + " failed: " + type + ": " + message.replaceAll("\\s+", " ") + " (HTTP " + response.statusCode() + ")");
        }
        return json;
    }

    private static JsonNode parse(String body)
    {
        try {
            return body.isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(body);
        }
        catch (IOException e) {
            return MAPPER.createObjectNode();
        }
    }

    private static String text(JsonNode node, String name)
            throws FisException
    {
        if (!node.isTextual() || node.asText().isEmpty()) {
            throw new FisException("FIS response has no " + name);
        }
        return node.asText();
    }
}
