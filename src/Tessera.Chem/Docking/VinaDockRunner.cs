using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Tessera.Chem.Executions;
using Tessera.Chem.Molecules;
using Tessera.Chem.OpenBabel;
using Tessera.Chem.Storage;
using Tessera.Core.Blobs;
using Tessera.Core.Errors;
using Tessera.Data;
using Tessera.Jobs;
using Tessera.Platform.Blobs;

namespace Tessera.Chem.Docking;

/// <summary>
/// The <c>vina.dock</c> system task: resolves the receptor, ligand and reference ligand (artifacts and molecules of the
/// execution's organization, or SMILES), docks with <see cref="VinaDocking"/>, and stores the poses as two artifacts
/// (SDF and PDBQT) together with the execution's result in one transaction.
/// </summary>
internal sealed class VinaDockRunner(
    TesseraDatabase database, IBlobStore blobs, UploadStaging staging, VinaDocking docking, ObabelRunner obabel, ToolVersions tools, ExecutionJournal journal, ChemSettings settings,
    ExecutionResults results, TimeProvider time)
    : IChemTaskRunner
{
    public const string Name = "vina.dock";

    public string TaskName => Name;

    public async Task<IReadOnlyDictionary<string, string>> ToolVersionsAsync(CancellationToken cancellationToken) => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["obabel"] = await tools.GetAsync(settings.ObabelPath, "chem:obabel_path", ["-V"]).ConfigureAwait(false),
        ["vina"] = await tools.GetAsync(settings.VinaPath, "chem:vina_path", ["--version"]).ConfigureAwait(false),
    };

    /// <summary>
    /// receptor and reference_ligand as their artifact's format and content hash; ligand as canonical SMILES (a molecule
    /// id reads its stored one, SMILES text is canonicalised by obabel: it is docked from SMILES either way) or, for an
    /// artifact, its format and content hash (its own coordinates are docked).
    /// </summary>
    public async Task<JsonObject> InputsAsync(Guid orgId, JsonObject parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var inputs = new JsonObject();
        foreach (var field in (string[])["receptor", "reference_ligand"])
            if (parameters[field]?.GetValue<string>() is { } id) inputs[field] = await ArtifactHashAsync(c, orgId, id, cancellationToken).ConfigureAwait(false) ?? id;
        if (parameters["ligand"]?.GetValue<string>() is { } ligand)
        {
            if (Guid.TryParse(ligand, out var ligandId))
                inputs["ligand"] = await MoleculeRows.FindAsync(c, orgId, ligandId, cancellationToken).ConfigureAwait(false) is { } molecule
                    ? "smiles:" + molecule.CanonicalSmiles
                    : await ArtifactHashAsync(c, orgId, ligand, cancellationToken).ConfigureAwait(false) ?? ligand;
            else inputs["ligand"] = "smiles:" + await CanonicalSmilesAsync(ligand, cancellationToken).ConfigureAwait(false);
        }
        return inputs;
    }

    private static async Task<string?> ArtifactHashAsync(System.Data.Common.DbConnection c, Guid orgId, string id, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var artifactId) && await ArtifactRows.FindAsync(c, orgId, artifactId, cancellationToken).ConfigureAwait(false) is { } artifact
            ? $"{artifact.Format} sha256:{artifact.BlobSha256}"
            : null;

    /// <summary>obabel's canonical SMILES, or the text as given when obabel cannot read it (the docking will say why).</summary>
    private async Task<string> CanonicalSmilesAsync(string smiles, CancellationToken cancellationToken)
    {
        var outcome = await obabel.RunAsync(["-ismi", "-ocan", "--title", ""], smiles, cancellationToken).ConfigureAwait(false);
        var canonical = outcome.TimedOut ? null : outcome.Stdout.Split((char[])['\n', '\t', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return canonical ?? smiles.Trim();
    }

    public async Task<JsonObject> RunAsync(Execution execution, JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        ArgumentNullException.ThrowIfNull(context);
        var parameters = JsonNode.Parse(execution.Parameters) as JsonObject ?? throw Invalid("The parameters are not a JSON object.");
        await context.ReportProgressAsync(0, 3, "preparing", cancellationToken).ConfigureAwait(false);
        var request = await RequestAsync(execution.OrgId, parameters, cancellationToken).ConfigureAwait(false);
        await context.ReportProgressAsync(1, 3, "docking", cancellationToken).ConfigureAwait(false);
        var result = await docking.DockAsync(request, journal.ToolsOf(execution), cancellationToken).ConfigureAwait(false);
        await context.ReportProgressAsync(2, 3, "storing poses", cancellationToken).ConfigureAwait(false);
        var output = await StoreAsync(execution, request, result, cancellationToken).ConfigureAwait(false);
        await context.ReportProgressAsync(3, 3, "done", cancellationToken).ConfigureAwait(false);
        return output;
    }

    /// <summary>The parameters (already valid against the task version's schema) with their references read.</summary>
    private async Task<DockingRequest> RequestAsync(Guid orgId, JsonObject p, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var receptor = await ArtifactAsync(c, orgId, p["receptor"]!.GetValue<string>(), "receptor", cancellationToken).ConfigureAwait(false)
            ?? throw Invalid("receptor must be the id of a stored artifact (PDB or PDBQT).");
        if (receptor.Format is not ("pdb" or "pdbqt")) throw Invalid($"The receptor artifact is {receptor.Format}; it must be PDB or PDBQT.");
        var ligandText = p["ligand"]!.GetValue<string>();
        StructureText ligand;
        if (Guid.TryParse(ligandText, out var ligandId))
        {
            var molecule = await MoleculeRows.FindAsync(c, orgId, ligandId, cancellationToken).ConfigureAwait(false);
            ligand = molecule is not null
                ? new StructureText(molecule.CanonicalSmiles, "smi")
                : await ArtifactAsync(c, orgId, ligandText, "ligand", cancellationToken).ConfigureAwait(false)
                    ?? throw TesseraException.NotFound("ligand molecule or artifact");
        }
        else ligand = new StructureText(ligandText, "smi");
        DockingBox? box = null;
        StructureText? reference = null;
        if (p["box"] is JsonObject b)
            box = new DockingBox([.. b["center"]!.AsArray().Select(v => v!.GetValue<double>())], [.. b["size"]!.AsArray().Select(v => v!.GetValue<double>())]);
        else
            reference = await ArtifactAsync(c, orgId, p["reference_ligand"]!.GetValue<string>(), "reference_ligand", cancellationToken).ConfigureAwait(false)
                ?? throw Invalid("reference_ligand must be the id of a stored artifact.");
        return new DockingRequest(
            receptor, ligand, box, reference,
            p["padding"]?.GetValue<double>() ?? DockingRequest.DefaultPadding,
            Integer(p["exhaustiveness"]) ?? DockingRequest.DefaultExhaustiveness,
            Integer(p["num_modes"]) ?? DockingRequest.DefaultNumModes,
            p["energy_range"]?.GetValue<double>() ?? DockingRequest.DefaultEnergyRange,
            Integer(p["seed"]) ?? DockingRequest.DefaultSeed,
            Integer(p["cpu"]) ?? DockingRequest.DefaultCpu);
    }

    /// <summary>
    /// A parameter the schema declares an integer: JSON Schema counts <c>8.0</c> as one, which
    /// <c>GetValue&lt;int&gt;</c> would refuse.
    /// </summary>
    private static int? Integer(JsonNode? node) => node is null ? null : checked((int)Math.Round(node.GetValue<double>()));

    /// <summary>The organization's artifact's file as text with its format; null when <paramref name="id"/> is no artifact id; 404 when it is another's or missing.</summary>
    private async Task<StructureText?> ArtifactAsync(System.Data.Common.DbConnection c, Guid orgId, string id, string what, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var artifactId)) return null;
        var artifact = await ArtifactRows.FindAsync(c, orgId, artifactId, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound($"{what} artifact");
        await using var stream = await blobs.OpenReadAsync(artifact.BlobSha256, cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return new StructureText(await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false), artifact.Format);
    }

    private async Task<JsonObject> StoreAsync(Execution execution, DockingRequest request, DockingResult result, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var sdf = await StageAsync(result.PosesSdf, cancellationToken).ConfigureAwait(false);
        await using var pdbqt = await StageAsync(result.PosesPdbqt, cancellationToken).ConfigureAwait(false);
        var sdfArtifact = PoseArtifact(execution, sdf, "sdf", result.Poses.Count, now);
        var pdbqtArtifact = PoseArtifact(execution, pdbqt, "pdbqt", result.Poses.Count, now);
        var output = new JsonObject
        {
            ["poses"] = new JsonArray([.. result.Poses.Select(p => (JsonNode)new JsonObject
            {
                ["rank"] = p.Rank, ["score"] = p.Score, ["rmsd_lb"] = p.RmsdLowerBound, ["rmsd_ub"] = p.RmsdUpperBound,
            })]),
            ["best_score"] = result.BestScore,
            ["confidence"] = new JsonObject
            {
                ["value"] = result.Confidence.Value, ["score_gap"] = result.Confidence.ScoreGap, ["score_spread"] = result.Confidence.ScoreSpread,
                ["poses_in_window"] = result.Confidence.PosesInWindow,
            },
            ["box"] = new JsonObject { ["center"] = new JsonArray([.. result.Box.Center.Select(v => (JsonNode)v)]), ["size"] = new JsonArray([.. result.Box.Size.Select(v => (JsonNode)v)]) },
            ["seed"] = request.Seed,
            ["vina_seconds"] = Math.Round(result.VinaTime.TotalSeconds, 1),
            ["poses_sdf_artifact_id"] = sdfArtifact.Id.ToString(),
            ["poses_pdbqt_artifact_id"] = pdbqtArtifact.Id.ToString(),
        };
        // The poses' artifacts are recorded with the result; when an earlier run of this job recorded its result after this one started, that result stands.
        var (stored, standing) = await results.StoreAsync(execution, output, async (c, t) =>
        {
            await ArtifactRows.InsertAsync(c, t, sdfArtifact, cancellationToken).ConfigureAwait(false);
            await ArtifactRows.InsertAsync(c, t, pdbqtArtifact, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        if (!stored) return standing;
        sdf.Keep();
        pdbqt.Keep();
        return output;
    }

    private async Task<StagedUpload> StageAsync(string text, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(text));
        return await staging.StoreAsync(content, cancellationToken).ConfigureAwait(false);
    }

    private static Artifact PoseArtifact(Execution execution, StagedUpload file, string format, int poses, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now), OrgId = execution.OrgId, UserId = execution.UserId,
        FileName = string.Create(CultureInfo.InvariantCulture, $"vina-poses-{execution.Id}.{format}"), Format = format,
        BlobSha256 = file.Blob.Sha256, SizeBytes = file.Blob.Size, MoleculeCount = poses, RejectedCount = 0, Rejected = "[]", CreatedAt = now,
    };

    private static TesseraException Invalid(string message) => new(ChemErrorCodes.DockingFailed, 422, message);
}
