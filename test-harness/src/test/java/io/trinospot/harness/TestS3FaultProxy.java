package io.trinospot.harness;

import com.sun.net.httpserver.HttpServer;
import io.trinospot.harness.S3FaultProxy.Burst;
import io.trinospot.harness.S3FaultProxy.Fault;
import io.trinospot.harness.S3FaultProxy.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The proxy's request kinds and its burst rule, relaying to a loopback stand-in for S3 that answers every request with 200. */
class TestS3FaultProxy
{
    private HttpServer upstream;
    private S3FaultProxy proxy;
    private HttpClient client;

    @BeforeEach
    void start()
            throws IOException
    {
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        upstream.start();
        proxy = S3FaultProxy.start(URI.create("http://127.0.0.1:" + upstream.getAddress().getPort()));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterEach
    void stop()
    {
        client.close();
        proxy.close();
        upstream.stop(0);
    }

    @Test
    void classifiesRequestsAsS3TellsOperationsApart()
    {
        assertThat(S3FaultProxy.classify("PUT", "/bucket/key")).isEqualTo(Kind.PUT_OBJECT);
        assertThat(S3FaultProxy.classify("PUT", "/bucket/key?partNumber=2&uploadId=abc")).isEqualTo(Kind.UPLOAD_PART);
        assertThat(S3FaultProxy.classify("POST", "/bucket/key?uploads")).isEqualTo(Kind.CREATE_MULTIPART_UPLOAD);
        assertThat(S3FaultProxy.classify("POST", "/bucket/key?uploadId=abc")).isEqualTo(Kind.COMPLETE_MULTIPART_UPLOAD);
        assertThat(S3FaultProxy.classify("GET", "/bucket/key")).isEqualTo(Kind.GET_OBJECT);
        assertThat(S3FaultProxy.classify("GET", "/bucket?list-type=2&prefix=a")).isEqualTo(Kind.LIST);
        assertThat(S3FaultProxy.classify("GET", "/bucket/")).isEqualTo(Kind.LIST);
        assertThat(S3FaultProxy.classify("HEAD", "/bucket/key")).isEqualTo(Kind.HEAD_OBJECT);
        assertThat(S3FaultProxy.classify("DELETE", "/bucket/key?uploadId=abc")).isEqualTo(Kind.ABORT_MULTIPART_UPLOAD);
    }

    @Test
    void aBurstSpreadsItsShareEvenlyFromTheFirstRequest()
    {
        assertThat(faulted(new Burst(Set.of(Kind.GET_OBJECT), Fault.SLOW_DOWN, 100), 5)).containsExactly(1, 2, 3, 4, 5);
        assertThat(faulted(new Burst(Set.of(Kind.GET_OBJECT), Fault.SLOW_DOWN, 50), 6)).containsExactly(1, 3, 5);
        assertThat(faulted(new Burst(Set.of(Kind.GET_OBJECT), Fault.SLOW_DOWN, 25), 9)).containsExactly(1, 5, 9);
        assertThat(faulted(new Burst(Set.of(Kind.GET_OBJECT), Fault.SLOW_DOWN, 10), 25)).containsExactly(1, 11, 21);
    }

    private static List<Integer> faulted(Burst burst, int requests)
    {
        return IntStream.rangeClosed(1, requests).filter(burst::faults).boxed().toList();
    }

    @Test
    void refusesABurstWithoutKindsOrShare()
    {
        assertThatThrownBy(() -> new Burst(Set.of(), Fault.SLOW_DOWN, 50)).hasMessage("A burst needs at least one request kind");
        assertThatThrownBy(() -> new Burst(Set.of(Kind.LIST), Fault.SLOW_DOWN, 0)).hasMessage("A burst faults 1 to 100 percent of its requests: 0");
        assertThatThrownBy(() -> new Burst(Set.of(Kind.LIST), Fault.SLOW_DOWN, 101)).hasMessage("A burst faults 1 to 100 percent of its requests: 101");
    }

    @Test
    void aBurstAnswersItsShareOfItsKindsWithTheFaultUntilEverythingPassesAgain()
            throws Exception
    {
        proxy.burst(new Burst(Set.of(Kind.GET_OBJECT, Kind.PUT_OBJECT), Fault.SLOW_DOWN, 50));
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(send("GET", "/bucket/key-" + i).statusCode());
        }
        int list = send("GET", "/bucket?list-type=2").statusCode();
        HttpResponse<String> put = send("PUT", "/bucket/written");

        assertThat(statuses).containsExactly(503, 200, 503, 200);
        assertThat(list).as("a kind the burst leaves out").isEqualTo(200);
        assertThat(put.statusCode()).as("the fifth request of the burst's kinds").isEqualTo(503);
        assertThat(put.body()).contains("<Code>SlowDown</Code>");
        assertThat(proxy.matchedRequests()).isEqualTo(5);
        assertThat(proxy.injectedFaults()).isEqualTo(3);

        proxy.burst(new Burst(Set.of(Kind.LIST), Fault.INTERNAL_ERROR, 100));
        HttpResponse<String> failedList = send("GET", "/bucket?list-type=2");
        assertThat(failedList.statusCode()).isEqualTo(500);
        assertThat(failedList.body()).contains("<Code>InternalError</Code>").contains("<Resource>/bucket</Resource>");

        proxy.passAll();
        assertThat(send("GET", "/bucket?list-type=2").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/bucket/key-0").statusCode()).isEqualTo(200);
        assertThat(proxy.matchedRequests()).isZero();
    }

    @Test
    void aDroppedConnectionReachesTheClientAsAnIoError()
    {
        proxy.burst(new Burst(Set.of(Kind.GET_OBJECT), Fault.DROP_DURING_REQUEST, 100));
        assertThatThrownBy(() -> send("GET", "/bucket/key")).isInstanceOf(IOException.class);
        // the JDK's client sends a GET whose connection broke once more, and that one is dropped too
        assertThat(proxy.injectedFaults()).isPositive().isEqualTo(proxy.matchedRequests());
    }

    private HttpResponse<String> send(String method, String target)
            throws IOException, InterruptedException
    {
        HttpRequest request = HttpRequest.newBuilder(proxy.endpoint().resolve(target))
                .method(method, method.equals("PUT") ? HttpRequest.BodyPublishers.ofString("data") : HttpRequest.BodyPublishers.noBody())
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
