namespace Tessera.Inference.Remote;

/// <summary>The <c>code</c>s of a remote embedder's failures.</summary>
public static class RemoteEmbedderErrorCodes
{
    /// <summary>The circuit is open after repeated failures: calls are refused without reaching the server (503).</summary>
    public const string Unavailable = "EMBEDDER_UNAVAILABLE";

    /// <summary>The server failed, timed out, could not be reached or answered something unusable, after retries (502).</summary>
    public const string UpstreamFailed = "EMBEDDER_UPSTREAM_FAILED";
}
