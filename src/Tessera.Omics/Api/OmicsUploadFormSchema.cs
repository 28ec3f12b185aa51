using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tessera.Omics.Api;

/// <summary>
/// The upload's multipart fields, for the OpenAPI document only. The handler reads the form itself, so that a body
/// that is not multipart answers a problem naming the fix; declaring the form with <c>Accepts</c> would instead make
/// routing skip the endpoint for other content types (a 404).
/// </summary>
/// <param name="File">The peptide file: FASTA, CSV or TSV.</param>
/// <param name="Name">The run's name (default: the file's name).</param>
/// <param name="Embedder">The embedder to use (default: the server's).</param>
internal sealed record OmicsUploadFormSchema(IFormFile File, string? Name, string? Embedder)
{
    public static async Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var schema = await context.GetOrCreateSchemaAsync(typeof(OmicsUploadFormSchema), null, cancellationToken).ConfigureAwait(false);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType> { ["multipart/form-data"] = new() { Schema = schema } },
        };
    }
}
