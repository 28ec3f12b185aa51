using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tessera.Platform.Embedders;

/// <summary>
/// The image endpoint's multipart fields, for the OpenAPI document only: the handler reads the form itself, so a
/// body that is not multipart gets a problem naming the fix rather than a routing 404.
/// </summary>
/// <param name="Model">An image embedder's name (see GET /v1/models).</param>
/// <param name="File">One image file; repeat the field for several, answered in the same order.</param>
/// <param name="EncodingFormat">float (default) or base64.</param>
internal sealed record ImageEmbeddingFormSchema(string Model, IFormFile File, string? EncodingFormat)
{
    public static async Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var schema = await context.GetOrCreateSchemaAsync(typeof(ImageEmbeddingFormSchema), null, cancellationToken).ConfigureAwait(false);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType> { ["multipart/form-data"] = new() { Schema = schema } },
        };
    }
}
