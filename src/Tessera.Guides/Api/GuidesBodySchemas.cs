using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tessera.Guides.Api;

/// <summary>
/// The request bodies the handlers read themselves, for the OpenAPI document only: <c>Accepts</c> would also make
/// routing refuse a request with another content type (a video uploaded as video/mp4) before the handler could answer.
/// </summary>
internal static class GuidesBodySchemas
{
    /// <summary>The upload: the video's bytes as they are.</summary>
    public static Task DescribeVideoAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/octet-stream"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } } },
        };
        return Task.CompletedTask;
    }

    /// <summary>A screenshot upload: the image's bytes as they are (PNG or JPEG).</summary>
    public static Task DescribeImageAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["image/png"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                ["image/jpeg"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                ["application/octet-stream"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
            },
        };
        return Task.CompletedTask;
    }

    /// <summary>A worker's callback: its raw bytes are what the signature covers.</summary>
    public static async Task DescribeCallbackAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        var schema = await context.GetOrCreateSchemaAsync(typeof(GuidesCallbackRequest), null, cancellationToken).ConfigureAwait(false);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
        };
    }
}
