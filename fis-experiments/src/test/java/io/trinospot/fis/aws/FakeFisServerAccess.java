package io.trinospot.fis.aws;

import java.io.IOException;

/** Lets tests in other packages use the fake FIS endpoint. */
public final class FakeFisServerAccess
{
    public static final String ACCESS_KEY = FakeFisServer.ACCESS_KEY;
    public static final String SECRET_KEY = FakeFisServer.SECRET_KEY;

    private FakeFisServerAccess() {}

    /** A running fake that answers one create, one start and one GetExperiment that says completed. */
    public static Handle completingServer()
            throws IOException
    {
        FakeFisServer server = new FakeFisServer();
        server.answer("{\"experimentTemplate\": {\"id\": \"EXTa1b2c3d4e5f6\"}}")
                .answer("{\"experiment\": {\"id\": \"EXPz9y8x7w6v5\", \"state\": {\"status\": \"initiating\"}}}")
                .answer("{\"experiment\": {\"id\": \"EXPz9y8x7w6v5\", \"state\": {\"status\": \"completed\"}}}");
        return new Handle(server);
    }

    public static String blogTemplateWithRoleJson()
            throws Exception
    {
        return AwsSubmissionTest.blogTemplateWithRole().json().toString();
    }

    public record Handle(FakeFisServer server)
            implements AutoCloseable
    {
        public String endpoint()
        {
            return server.endpoint().toString();
        }

        public boolean signaturesValid()
        {
            return !server.requests().isEmpty() && server.requests().stream().allMatch(FakeFisServer.Request::signatureValid);
        }

        @Override
        public void close()
        {
            server.close();
        }
    }
}
