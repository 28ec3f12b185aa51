using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Tessera.Chem.Molecules;
using Tessera.Core.Identity;
using Tessera.Data.Identity;

namespace Tessera.Chem.Api;

/// <summary>Molecules and their artifacts under <c>/api/v1/chem</c>. Thin handlers over the import service and the reader.</summary>
internal static class ChemMoleculeEndpoints
{
    public static RouteGroupBuilder MapChemMolecules(this RouteGroupBuilder chem)
    {
        ArgumentNullException.ThrowIfNull(chem);
        chem.MapPost("/molecules", UploadAsync).DisableAntiforgery().WithName("ChemUploadMolecules")
            .AddOpenApiOperationTransformer(ChemUploadFormSchema.DescribeAsync).ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Upload structures (multipart: file = SMILES/CSV/SDF/MOL2/PDB/PDBQT, optional format); 201 with the artifact, the molecules stored and the records rejected.");
        chem.MapPost("/artifacts", KeepFileAsync).DisableAntiforgery().WithName("ChemUploadArtifact")
            .AddOpenApiOperationTransformer(ChemUploadFormSchema.DescribeAsync).ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithSummary("Keep a structure file as it is (multipart: file, optional format), without reading molecules from it: a receptor for docking, " +
                "or a ligand with its own coordinates; 201 with the artifact.");
        chem.MapGet("/molecules", ListAsync).WithName("ChemListMolecules").ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Your organization's molecules, a page at a time (pass 'next' as 'after'); ?artifact_id= narrows to one upload.");
        chem.MapGet("/molecules/{id:guid}", GetAsync).WithName("ChemGetMolecule").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("One molecule.");
        chem.MapGet("/artifacts/{id:guid}/download-link", LinkAsync).WithName("ChemArtifactDownloadLink").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A signed link to download the uploaded file, valid for an hour.");
        return chem;
    }

    private static async Task<Created<ChemUploadResponse>> UploadAsync(HttpContext context, Caller caller, MoleculeImportService imports, CancellationToken cancellationToken)
    {
        var owner = caller.Require(Permissions.RunsWrite);
        var (file, fileName, format) = await ChemUploadForm.ReadAsync(context.Request, imports, cancellationToken).ConfigureAwait(false);
        await using (file)
        {
            var imported = await imports.ImportAsync(owner, file, fileName, format, cancellationToken).ConfigureAwait(false);
            return TypedResults.Created($"/api/v1/chem/molecules?artifact_id={imported.Artifact.Id}", new ChemUploadResponse(
                ChemArtifact.From(imported.Artifact), [.. imported.Molecules.Select(ChemMolecule.From)], [.. imported.Rejected.Select(ChemRejectedRecord.From)]));
        }
    }

    private static async Task<Created<ChemArtifact>> KeepFileAsync(HttpContext context, Caller caller, MoleculeImportService imports, CancellationToken cancellationToken)
    {
        var owner = caller.Require(Permissions.RunsWrite);
        var (file, fileName, format) = await ChemUploadForm.ReadAsync(context.Request, imports, cancellationToken).ConfigureAwait(false);
        await using (file)
        {
            var artifact = await imports.KeepFileAsync(owner, file, fileName, format, cancellationToken).ConfigureAwait(false);
            return TypedResults.Created($"/api/v1/chem/artifacts/{artifact.Id}/download-link", ChemArtifact.From(artifact));
        }
    }

    private static async Task<Ok<ChemMoleculePage>> ListAsync(
        Caller caller, MoleculeReader reader, [FromQuery(Name = "artifact_id")] Guid? artifactId, Guid? after, int? limit, CancellationToken cancellationToken)
    {
        var page = await reader.ListAsync(caller.Principal, artifactId, after, limit, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new ChemMoleculePage([.. page.Items.Select(ChemMolecule.From)], page.Next));
    }

    private static async Task<Ok<ChemMolecule>> GetAsync(Guid id, Caller caller, MoleculeReader reader, CancellationToken cancellationToken) =>
        TypedResults.Ok(ChemMolecule.From(await reader.GetAsync(caller.Principal, id, cancellationToken).ConfigureAwait(false)));

    private static async Task<Ok<ChemArtifactLink>> LinkAsync(Guid id, Caller caller, MoleculeReader reader, CancellationToken cancellationToken)
    {
        var (artifact, link) = await reader.LinkAsync(caller.Principal, id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new ChemArtifactLink(artifact.Id, artifact.FileName, link.Url, link.ExpiresAt));
    }
}
