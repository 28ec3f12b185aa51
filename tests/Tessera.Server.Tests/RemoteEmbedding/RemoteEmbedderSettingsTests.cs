using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Tessera.Core.Errors;
using Tessera.Platform.Embedders;
using static Tessera.Server.Tests.AuthTestKit;
using static Tessera.Testing.ScriptedEmbeddingsServer;

namespace Tessera.Server.Tests.RemoteEmbedding;

/// <summary>Remote embedders configured under <c>embedders:remote:&lt;name&gt;</c>, used through Tessera's own API. Nothing is stored.</summary>
public sealed class RemoteEmbedderSettingsTests
{
    [Fact]
    public async Task A_configured_endpoint_is_listed_as_remote_and_serves_v1_embeddings()
    {
        await using var remote = await StartAsync(TimeProvider.System, (_, context, texts) => Embeddings(context, texts));
        await using var app = await TesseraAppFactory.CreateAsync("sqlite", settings: new Dictionary<string, string?>
        {
            ["embedders:remote:gpu-box:url"] = remote.Endpoint.ToString(),
            ["embedders:remote:gpu-box:model"] = "remote-model-7b",
            ["embedders:remote:gpu-box:dimension"] = Dimension.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["embedders:remote:gpu-box:api_key"] = "sk-remote",
        });
        var (http, _, _, _) = await SignInAsync(app, "remote@example.org", "remote");

        var models = await http.GetFromJsonAsync<JsonElement>(new Uri("/v1/models", UriKind.Relative));
        var entry = models.GetProperty("data").EnumerateArray().Single(m => m.GetProperty("id").GetString() == "gpu-box");
        Assert.Equal("remote", entry.GetProperty("origin").GetString());
        Assert.Equal("text", entry.GetProperty("modality").GetString());

        using var response = await http.PostAsync(new Uri("/v1/embeddings", UriKind.Relative),
            new StringContent("""{"model":"gpu-box","input":["hi","there"]}""", Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var second = body.GetProperty("data")[1].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle());
        Assert.Equal(VectorOf("there"), second);
        Assert.Equal("Bearer sk-remote", remote.Requests.Single().Authorization);
    }

    [Theory]
    [InlineData("model", "embedders:remote:gpu-box:model")]
    [InlineData("dimension", "embedders:remote:gpu-box:dimension")]
    [InlineData("url", "embedders:remote:gpu-box:url")]
    public void A_missing_required_setting_is_named(string missing, string path)
    {
        var values = new Dictionary<string, string?>
        {
            ["embedders:remote:gpu-box:url"] = "http://gpu-box:8080/v1",
            ["embedders:remote:gpu-box:model"] = "bge-small",
            ["embedders:remote:gpu-box:dimension"] = "384",
        };
        values.Remove($"embedders:remote:gpu-box:{missing}");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();

        var error = Assert.Throws<TesseraException>(() => RemoteEmbedderSettings.From(configuration));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("url", "ftp://gpu-box/v1")]
    [InlineData("dimension", "0")]
    [InlineData("max_retries", "-1")]
    public void A_bad_setting_is_rejected(string key, string value)
    {
        var values = new Dictionary<string, string?>
        {
            ["embedders:remote:gpu-box:url"] = "http://gpu-box:8080/v1",
            ["embedders:remote:gpu-box:model"] = "bge-small",
            ["embedders:remote:gpu-box:dimension"] = "384",
            [$"embedders:remote:gpu-box:{key}"] = value,
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();

        var error = Assert.Throws<TesseraException>(() => RemoteEmbedderSettings.From(configuration));

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
    }
}
