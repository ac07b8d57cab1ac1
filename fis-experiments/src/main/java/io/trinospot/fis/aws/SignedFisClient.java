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
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * FIS's REST-JSON API over the JDK HTTP client, each request signed with the AWS SDK's SigV4 signer (service name
 * {@code fis}). This stands in for the SDK's generated {@code FisClient}, whose artifact this build cannot obtain;
 * the wire format is the one FIS documents: {@code POST /experimentTemplates}, {@code POST /experiments},
 * {@code GET /experiments/{id}}, {@code DELETE /experiments/{id}}. It sends each request once; retrying is the
 * caller's choice, told by {@link FisException#kind()}.
 */
public final class SignedFisClient
        implements FisApi
{
    static final String SERVICE = "fis";
    // the JDK client sets these itself and refuses them from callers; they are still part of what was signed
    private static final Set<String> RESTRICTED_HEADERS = Set.of("host", "content-length", "connection", "expect", "upgrade");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    // error types that mean the caller sent too fast, as does HTTP 429
    private static final Set<String> THROTTLING = Set.of("ThrottlingException", "TooManyRequestsException");

    private final URI endpoint;
    private final String region;
    private final AwsCredentialsProvider credentials;
    private final HttpClient http;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /** @throws IllegalArgumentException when the endpoint would carry the signed requests in clear, see {@link #endpointProblem} */
    public SignedFisClient(URI endpoint, String region, AwsCredentialsProvider credentials)
    {
        requireNonNull(endpoint, "endpoint is null");
        endpointProblem(endpoint).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        this.endpoint = endpoint;
        this.region = requireNonNull(region, "region is null");
        this.credentials = requireNonNull(credentials, "credentials is null");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** FIS's regional endpoint. */
    public static URI endpointFor(String region)
    {
        return URI.create("https://fis." + region + ".amazonaws.com");
    }

    /**
     * Why requests cannot go to this endpoint, if they cannot: it must be an absolute https URL, or http on a loopback
     * address (a local test server), because a signed request over plain http shows the access key id and the session
     * token to anyone on the path. A host name other than {@code localhost} is never resolved to decide this.
     */
    public static Optional<String> endpointProblem(URI endpoint)
    {
        if (endpoint.getRawUserInfo() != null) {
            // not echoed: it may hold a password, and FIS takes none in its URL
            return Optional.of("must not carry a user name or password");
        }
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (endpoint.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            return Optional.of("must be an absolute URL like https://host:port, got '" + endpoint + "'");
        }
        if (scheme.equals("http") && !isLoopback(endpoint.getHost())) {
            return Optional.of("http://" + endpoint.getHost() + " would send AWS credentials in clear: use https (plain http only to a loopback address: 127.0.0.0/8, ::1, localhost)");
        }
        return Optional.empty();
    }

    private static boolean isLoopback(String host)
    {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            // parses an address literal only, never a DNS lookup: a name that resolves to 127.0.0.1 today may not tomorrow
            return InetAddress.ofLiteral(literal).isLoopbackAddress();
        }
        catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public String createExperimentTemplate(ObjectNode template, String clientToken)
            throws FisException, InterruptedException
    {
        ObjectNode body = template.deepCopy();
        body.put("clientToken", clientToken);
        JsonNode response = call(SdkHttpMethod.POST, "/experimentTemplates", Optional.of(body));
        return text(response.path("experimentTemplate").path("id"), "experimentTemplate.id");
    }

    @Override
    public ExperimentStatus startExperiment(String templateId, String clientToken)
            throws FisException, InterruptedException
    {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("clientToken", clientToken);
        body.put("experimentTemplateId", templateId);
        return experiment(call(SdkHttpMethod.POST, "/experiments", Optional.of(body)));
    }

    @Override
    public ExperimentStatus getExperiment(String experimentId)
            throws FisException, InterruptedException
    {
        return experiment(call(SdkHttpMethod.GET, experimentPath(experimentId), Optional.empty()));
    }

    @Override
    public ExperimentStatus stopExperiment(String experimentId)
            throws FisException, InterruptedException
    {
        return experiment(call(SdkHttpMethod.DELETE, experimentPath(experimentId), Optional.empty()));
    }

    private static String experimentPath(String experimentId)
    {
        return "/experiments/" + URLEncoder.encode(experimentId, StandardCharsets.UTF_8);
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
            throws FisException, InterruptedException
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
            throw new FisException("no AWS credentials: " + e.getMessage(), FisException.Kind.PERMANENT, e);
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
            if (!RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> request.header(name, value));
            }
        });

        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException e) {
            throw new FisException(method + " " + uri + ": " + e.getClass().getSimpleName() + " " + e.getMessage(), FisException.Kind.TRANSIENT, e);
        }
        JsonNode json = parse(response.body());
        int status = response.statusCode();
        if (status / 100 != 2) {
            String type = errorType(response, json);
            String message = json.path("message").asText(json.path("Message").asText(response.body().strip()));
            FisException.Kind kind = status == 429 || THROTTLING.contains(type) ? FisException.Kind.THROTTLED
                    : status >= 500 ? FisException.Kind.TRANSIENT
                    : FisException.Kind.PERMANENT;
            throw new FisException(method + " " + path + " failed: " + type + ": " + message.replaceAll("\\s+", " ") + " (HTTP " + status + ")", kind);
        }
        return json;
    }

    /**
     * The error's type as AWS's REST-JSON protocol carries it: the x-amzn-ErrorType header (sometimes "Type:extra"),
     * else the body's __type (sometimes "namespace#Type") or code.
     */
    private static String errorType(HttpResponse<String> response, JsonNode json)
    {
        String type = response.headers().firstValue("x-amzn-ErrorType")
                .or(() -> Optional.of(json.path("__type").asText(json.path("code").asText(json.path("Code").asText()))))
                .orElse("");
        type = type.split(":")[0];
        type = type.substring(type.lastIndexOf('#') + 1);
        return type.isBlank() ? "HTTP " + response.statusCode() : type;
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
