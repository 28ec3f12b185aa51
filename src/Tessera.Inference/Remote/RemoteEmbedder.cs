using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Tessera.Core.Errors;
using Tessera.Core.Hashing;
using Tessera.Inference.Embeddings;

namespace Tessera.Inference.Remote;

/// <summary>
/// Text vectors from an OpenAI-compatible <c>POST /embeddings</c> endpoint, <see cref="RemoteEmbedderOptions.BatchSize"/>
/// texts per request, through <see cref="RemoteResilience"/>'s retries, circuit breaker and timeouts. Each vector's
/// <c>ModelId</c> is the model the server says produced it. The model hash stands for the remote model's name and
/// dimension (there are no weights here to hash), so vectors from a renamed or resized model do not mix.
/// </summary>
public sealed class RemoteEmbedder : ITesseraEmbedder
{
    private readonly RemoteEmbedderOptions _options;
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly TimeProvider _time;
    private readonly Uri _embeddingsUri;

    /// <param name="options">The endpoint, model and resilience settings.</param>
    /// <param name="time">The clock for timeouts, backoff and the breaker.</param>
    /// <param name="handler">The transport; by default a pooled <see cref="SocketsHttpHandler"/> that refreshes connections every few minutes (DNS changes).</param>
    public RemoteEmbedder(RemoteEmbedderOptions options, TimeProvider? time = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        _options = options;
        _time = time ?? TimeProvider.System;
        // The pipeline owns timeouts (on the injected clock), so HttpClient's own is off.
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
        _pipeline = RemoteResilience.Build(options, _time);
        var baseUri = options.Endpoint.AbsoluteUri.EndsWith('/') ? options.Endpoint : new Uri(options.Endpoint.AbsoluteUri + "/");
        _embeddingsUri = new Uri(baseUri, "embeddings");
        Descriptor = new EmbedderDescriptor(options.Name, options.Dimension, Sha256Hex.Of($"openai-compatible|{options.Model}|{options.Dimension}"), EmbeddingPooling.RemoteDefined, "remote server's")
        {
            Modality = EmbeddingModality.Text,
            Origin = EmbedderOrigin.Remote,
            Sources = [$"{_embeddingsUri} model={options.Model}"],
        };
    }

    public EmbedderDescriptor Descriptor { get; }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var results = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var batch in values.Chunk(_options.BatchSize))
        {
            var (model, vectors) = await EmbedBatchAsync(batch, cancellationToken).ConfigureAwait(false);
            var created = _time.GetUtcNow();
            foreach (var vector in vectors)
            {
                results.Add(new Embedding<float>(vector)
                {
                    ModelId = model,
                    CreatedAt = created,
                    AdditionalProperties = new AdditionalPropertiesDictionary { [EmbedderDescriptor.ModelHashProperty] = Descriptor.ModelHash },
                });
            }
        }
        return results;
    }

    private async Task<(string Model, float[][] Vectors)> EmbedBatchAsync(string[] batch, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(async token => await SendAsync(batch, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException open)
        {
            throw new TesseraException(RemoteEmbedderErrorCodes.Unavailable, 503, $"The remote embedder '{_options.Name}' is paused after repeated failures of {_embeddingsUri}.", open)
            {
                RetryAfter = open.RetryAfter,
            };
        }
        catch (Exception failed) when (failed is HttpRequestException or TimeoutRejectedException)
        {
            throw Upstream($"could not be reached or did not answer in time ({failed.Message})", failed);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw Upstream($"answered {(int)response.StatusCode} {response.ReasonPhrase}: {body[..Math.Min(body.Length, 300)]}", retryAfter: RemoteResilience.RetryAfter(response, _time));
            }
            return await ReadAsync(response, batch.Length, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string[] batch, CancellationToken cancellationToken)
    {
        // A new message per attempt: a sent request cannot be sent again.
        using var request = new HttpRequestMessage(HttpMethod.Post, _embeddingsUri)
        {
            Content = JsonContent.Create(new OpenAiEmbeddingsWire.Request(_options.Model, batch), options: OpenAiEmbeddingsWire.Json),
        };
        if (!string.IsNullOrEmpty(_options.ApiKey)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(string Model, float[][] Vectors)> ReadAsync(HttpResponseMessage response, int expected, CancellationToken cancellationToken)
    {
        OpenAiEmbeddingsWire.Response? body;
        try
        {
            body = await response.Content.ReadFromJsonAsync<OpenAiEmbeddingsWire.Response>(OpenAiEmbeddingsWire.Json, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException invalid)
        {
            throw Upstream($"answered JSON that is not an embeddings response ({invalid.Message})", invalid);
        }
        var data = body?.Data ?? throw Upstream("answered without a 'data' list");
        if (data.Count != expected) throw Upstream($"returned {data.Count} vectors for {expected} texts");
        var vectors = new float[expected][];
        foreach (var item in data)
        {
            if (item.Index < 0 || item.Index >= expected || vectors[item.Index] is not null) throw Upstream($"returned a bad or repeated index {item.Index}");
            if (item.Embedding?.Length != _options.Dimension)
                throw Upstream($"returned a {item.Embedding?.Length ?? 0}-d vector where {_options.Dimension} dimensions are configured");
            vectors[item.Index] = item.Embedding;
        }
        return (string.IsNullOrEmpty(body.Model) ? _options.Model : body.Model, vectors);
    }

    private TesseraException Upstream(string what, Exception? inner = null, TimeSpan? retryAfter = null) =>
        new(RemoteEmbedderErrorCodes.UpstreamFailed, 502, $"The remote embedder '{_options.Name}' ({_embeddingsUri}) {what}.", inner) { RetryAfter = retryAfter };

    public object? GetService(Type serviceType, object? serviceKey = null) => EmbeddingResults.Service(this, serviceType, serviceKey);

    public void Dispose() => _http.Dispose();
}
