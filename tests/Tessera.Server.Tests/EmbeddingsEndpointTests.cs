using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Embeddings;
using SkiaSharp;
using Tessera.Platform.Embedders;
using static Tessera.Server.Tests.AuthTestKit;

namespace Tessera.Server.Tests;

/// <summary>
/// The OpenAI-compatible embeddings API: the official OpenAI .NET client against the in-memory server, and the
/// request checks (token ids, dimensions, formats, unknown models, modality) with their codes. Nothing is stored,
/// so one dialect suffices.
/// </summary>
public sealed class EmbeddingsEndpointTests
{
    private static readonly float[] PublishedHelloWorld = [-0.0344772f, 0.0310232f, 0.0067350f, 0.0261090f, -0.0393620f];

    [Fact]
    public async Task The_official_OpenAI_client_gets_embeddings_from_v1()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        var (_, token, _, _) = await SignInAsync(app, "openai@example.org", "openai");
        var client = new EmbeddingClient("all-minilm-l6-v2", new ApiKeyCredential(token.Token), new OpenAIClientOptions
        {
            Endpoint = new Uri("http://localhost/v1"),
            Transport = new HttpClientPipelineTransport(app.CreateClient()),
        });

        OpenAIEmbeddingCollection result = await client.GenerateEmbeddingsAsync(["hello world", "A man is playing a guitar."]);

        Assert.Equal(2, result.Count);
        Assert.Equal("all-minilm-l6-v2", result.Model);
        var hello = result[0].ToFloats().ToArray();
        Assert.Equal(384, hello.Length);
        for (var i = 0; i < PublishedHelloWorld.Length; i++) Assert.Equal(PublishedHelloWorld[i], hello[i], 5);
        Assert.Equal(4 + 9, result.Usage.InputTokenCount); // [CLS] hello world [SEP]; [CLS] a man is playing a guitar . [SEP]
    }

    [Fact]
    public async Task Float_and_base64_encodings_carry_the_same_vector()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        var (http, _, _, _) = await SignInAsync(app, "formats@example.org", "formats");
        var asFloats = await PostAsync(http, "/api/v1/embeddings", """{"model":"all-minilm-l6-v2","input":"hello world","encoding_format":"float","dimensions":384}""");
        var asBase64 = await PostAsync(http, "/v1/embeddings", """{"model":"all-minilm-l6-v2","input":["hello world"],"encoding_format":"base64"}""");
        var floats = asFloats.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        var decoded = new float[384];
        Buffer.BlockCopy(Convert.FromBase64String(asBase64.GetProperty("data")[0].GetProperty("embedding").GetString()!), 0, decoded, 0, 384 * 4);
        Assert.Equal(floats, decoded);
        Assert.Equal(4, asFloats.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(64, asFloats.GetProperty("model_hash").GetString()!.Length);
    }

    [Theory]
    [InlineData("""{"model":"all-minilm-l6-v2","input":[15339, 1917]}""", 400, EmbeddingErrorCodes.TokenInputUnsupported)]
    [InlineData("""{"model":"all-minilm-l6-v2","input":[[15339, 1917]]}""", 400, EmbeddingErrorCodes.TokenInputUnsupported)]
    [InlineData("""{"model":"all-minilm-l6-v2","input":"hi","dimensions":128}""", 400, EmbeddingErrorCodes.DimensionsUnsupported)]
    [InlineData("""{"model":"all-minilm-l6-v2","input":"hi","encoding_format":"int8"}""", 400, EmbeddingErrorCodes.EncodingFormatUnsupported)]
    [InlineData("""{"model":"all-minilm-l6-v2","input":[]}""", 400, EmbeddingErrorCodes.InvalidInput)]
    [InlineData("""{"model":"resnet18-imagenet","input":"hi"}""", 400, EmbeddingErrorCodes.WrongModality)]
    [InlineData("""{"model":"text-embedding-3-small","input":"hi"}""", 404, EmbeddingErrorCodes.ModelNotFound)]
    [InlineData("""{"model":"/tmp","input":"hi"}""", 404, EmbeddingErrorCodes.ModelNotFound)]
    public async Task A_request_the_API_cannot_honour_gets_a_problem_with_a_stable_code(string body, int status, string code)
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        var (http, _, _, _) = await SignInAsync(app, "codes@example.org", "codes");
        foreach (var path in new[] { "/api/v1/embeddings", "/v1/embeddings" })
        {
            using var response = await http.PostAsync(new Uri(path, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal((HttpStatusCode)status, response.StatusCode);
            Assert.Equal(code, await CodeOf(response));
        }
    }

    [Fact]
    public async Task Without_a_token_the_embedding_routes_answer_401()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        var anonymous = app.CreateClient();
        using var embed = await anonymous.PostAsync(new Uri("/v1/embeddings", UriKind.Relative), new StringContent("""{"model":"all-minilm-l6-v2","input":"hi"}""", Encoding.UTF8, "application/json"));
        using var models = await anonymous.GetAsync(new Uri("/v1/models", UriKind.Relative));
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (embed.StatusCode, models.StatusCode));
    }

    [Fact]
    public async Task The_embedding_routes_share_the_callers_request_budget()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite", settings: new Dictionary<string, string?> { ["limits:requests_per_minute"] = "2" });
        var (http, _, _, _) = await SignInAsync(app, "budget@example.org", "budget");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await http.GetAsync(new Uri("/v1/models", UriKind.Relative));
            statuses.Add(response.StatusCode);
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Models_lists_every_installed_embedder_with_modality_and_origin()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        var (http, _, _, _) = await SignInAsync(app, "models@example.org", "models");
        var list = await http.GetFromJsonAsync<JsonElement>(new Uri("/v1/models", UriKind.Relative));
        var entries = list.GetProperty("data").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetString()!, m => (m.GetProperty("modality").GetString(), m.GetProperty("origin").GetString()));
        Assert.Equal(("text", "pretrained"), entries["all-minilm-l6-v2"]);
        Assert.Equal(("image", "pretrained"), entries["resnet18-imagenet"]);
        Assert.Equal(("text", "classical"), entries["tessera-text-hashed-ngrams-v1"]);
        Assert.Equal(("protein-sequence", "classical"), entries["tessera-peptide-descriptors-v1"]);
    }

    [Fact]
    public async Task Images_are_embedded_from_a_multipart_upload_and_a_truncated_one_is_refused()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        var (http, _, _, _) = await SignInAsync(app, "images@example.org", "images");
        var picture = Picture();
        using var form = new MultipartFormDataContent
        {
            { new StringContent("resnet18-imagenet"), "model" },
            { new ByteArrayContent(picture), "file", "a.jpg" },
            { new ByteArrayContent(picture), "file", "b.jpg" },
        };
        using var response = await http.PostAsync(new Uri("/api/v1/embeddings/images", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var data = body.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(2, data.Count);
        Assert.Equal(512, data[0].GetProperty("embedding").GetArrayLength());

        using var truncated = new MultipartFormDataContent
        {
            { new StringContent("resnet18-imagenet"), "model" },
            { new ByteArrayContent(picture[..(picture.Length / 2)]), "file", "half.jpg" },
        };
        using var refused = await http.PostAsync(new Uri("/api/v1/embeddings/images", UriKind.Relative), truncated);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, string json)
    {
        using var response = await http.PostAsync(new Uri(path, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    internal static byte[] Picture()
    {
        using var bitmap = new SKBitmap(256, 192);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var paint = new SKPaint { Color = SKColors.DarkOrange, IsAntialias = true };
            canvas.DrawCircle(100, 90, 60, paint);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }
}
