using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tessera.Chem.Api;

/// <summary>
/// The upload's multipart fields, for the OpenAPI document only. The handler reads the form itself, so that a body
/// that is not multipart answers a problem naming the fix; <c>Accepts</c> would instead make routing answer 404.
/// </summary>
/// <param name="File">The structure file: SMILES (one a line), CSV with a smiles column, SDF, MOL2, PDB or PDBQT.</param>
/// <param name="Format">smi, csv, sdf, mol2, pdb or pdbqt (default: from the file name's extension).</param>
internal sealed record ChemUploadFormSchema(IFormFile File, string? Format)
{
    public static async Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var schema = await context.GetOrCreateSchemaAsync(typeof(ChemUploadFormSchema), null, cancellationToken).ConfigureAwait(false);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType> { ["multipart/form-data"] = new() { Schema = schema } },
        };
    }
}
