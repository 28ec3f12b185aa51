using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tessera.Cards.Api;

/// <summary>
/// The identify request's multipart field, for the OpenAPI document only: the handler reads the body itself so that
/// a raw image body works too and a wrong one answers a problem naming the fix.
/// </summary>
/// <param name="Photo">A photo of one card: JPEG, PNG or WebP, at most 20 MB.</param>
internal sealed record CardsPhotoFormSchema(IFormFile Photo)
{
    public static async Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var schema = await context.GetOrCreateSchemaAsync(typeof(CardsPhotoFormSchema), null, cancellationToken).ConfigureAwait(false);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new() { Schema = schema },
                ["image/jpeg"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
            },
        };
    }
}
