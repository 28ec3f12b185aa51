using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Core.Blobs;
using Tessera.Data.Identity;
using Tessera.Testing;
using Tessera.Testing.Contracts;

namespace Tessera.Chem.Tests.Api;

/// <summary>
/// Chem's routes over HTTP against the OpenAPI document (every JSON body checked against its schema), with real
/// Open Babel: each upload format, rejected records, nothing half-stored, paging, signed downloads, and the owner
/// filter (another organization's molecule or artifact is missing).
/// </summary>
public class ChemApiTests
{
    private static readonly AuditActor TestActor = new(null, null, "test");

    internal static async Task<(ContractClient Api, Guid OrgId)> SignInAsync(TesseraAppFactory app, string email, string org, string role)
    {
        var (api, _, orgId) = await MemberClients.SignInAsync(app, email, org, role);
        return (api, orgId);
    }

    private static MultipartFormDataContent Upload(string text, string fileName, string? format = null)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(text)), "file", fileName } };
        if (format is not null) form.Add(new StringContent(format), "format");
        return form;
    }

    private static Task<ContractResponse> PostAsync(ContractClient api, string text, string fileName, int expected, string? format = null) =>
        api.SendAsync("POST /api/v1/chem/molecules", "/api/v1/chem/molecules", expected, Upload(text, fileName, format));

    private static async Task<long> CountAsync(TesseraAppFactory app, string table)
    {
        await using var c = await app.Database.Database.OpenConnectionAsync();
        return await c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}");
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Uploads_in_every_format_are_normalised_and_bad_records_reported(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (api, _) = await SignInAsync(app, "chemist@example.org", "lab", "member");

        var smiles = await PostAsync(api, Structures.SmilesWithOneBad, "set.smi", 201);
        var molecules = smiles.Value["molecules"]!.AsArray();
        Assert.Equal(3, molecules.Count);
        Assert.Equal(Structures.AspirinInChIKey, molecules[0]!["inchikey"]!.GetValue<string>());
        Assert.Equal("aspirin", molecules[0]!["title"]!.GetValue<string>());
        Assert.Equal("C9H8O4", molecules[0]!["formula"]!.GetValue<string>());
        Assert.InRange(molecules[0]!["molecular_weight"]!.GetValue<double>(), 180.1, 180.2);
        Assert.Equal(1, molecules[0]!["hbd"]!.GetValue<int>());
        var rejected = Assert.Single(smiles.Value["rejected"]!.AsArray());
        Assert.Equal(3, rejected!["record"]!.GetValue<int>());
        Assert.Equal("broken", rejected["title"]!.GetValue<string>());
        Assert.Contains("SMILES", rejected["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, smiles.Value["artifact"]!["rejected_count"]!.GetValue<int>());

        var csv = await PostAsync(api, $"id,smiles\nasp,{Structures.Aspirin}\neth,\"{Structures.Ethanol}\"\n", "set.csv", 201);
        Assert.Equal(["asp", "eth"], csv.Value["molecules"]!.AsArray().Select(m => m!["title"]!.GetValue<string>()));

        var sdf = await PostAsync(api, Structures.Convert($"{Structures.Aspirin} aspirin\n{Structures.Caffeine} caffeine\n", "sdf"), "two.sdf", 201);
        Assert.Equal([Structures.AspirinInChIKey, "RYYVLZVUVIJVGH-UHFFFAOYSA-N"], InChIKeys(sdf));
        Assert.Equal("aspirin", sdf.Value["molecules"]![0]!["title"]!.GetValue<string>());

        // Not aspirin: obabel's MOL2 round trip reads its carboxylic acid back as the carboxylate.
        var mol2 = await PostAsync(api, Structures.Convert($"{Structures.Ethanol} ethanol\n{Structures.Caffeine} caffeine\n", "mol2"), "two.mol2", 201);
        Assert.Equal(["LFQSCWFLJHTTHZ-UHFFFAOYSA-N", "RYYVLZVUVIJVGH-UHFFFAOYSA-N"], InChIKeys(mol2));

        var pdb = await PostAsync(api, Structures.EthanolPdb, "ethanol.pdb", 201);
        Assert.Equal(["LFQSCWFLJHTTHZ-UHFFFAOYSA-N"], InChIKeys(pdb));
        var pdbqt = await PostAsync(api, Structures.Convert(Structures.Ethanol + "\n", "pdbqt"), "ligand.pdbqt", 201);
        Assert.Equal("pdbqt", pdbqt.Value["artifact"]!["format"]!.GetValue<string>());
        Assert.Single(pdbqt.Value["molecules"]!.AsArray());

        // An explicit format wins over the extension; an unknown one is refused before anything is read.
        await PostAsync(api, Structures.Ethanol + "\n", "ethanol.dat", 201, format: "smi");
        var unknown = await PostAsync(api, Structures.Ethanol + "\n", "ethanol.dat", 400);
        Assert.Equal(ChemErrorCodes.UnknownFormat, unknown.Value["code"]!.GetValue<string>());
        await PostAsync(api, "name\nx\n", "nosmiles.csv", 400);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_file_without_a_valid_structure_stores_nothing(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (api, _) = await SignInAsync(app, "chemist@example.org", "lab", "member");
        const string bad = "C1CC(\nnot-a-molecule(\n";
        var refused = await PostAsync(api, bad, "bad.smi", 422);
        Assert.Equal(ChemErrorCodes.NoValidMolecules, refused.Value["code"]!.GetValue<string>());
        Assert.Equal(2, refused.Value["rejected"]!.AsArray().Count);
        Assert.Equal(0, await CountAsync(app, "chem_artifacts"));
        Assert.Equal(0, await CountAsync(app, "chem_molecules"));
        // Its blob went too: the store holds no file.
        Assert.False(await app.Services.GetRequiredService<IBlobStore>().ExistsAsync(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(bad)))));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Molecules_page_download_and_stay_within_their_organization(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (api, _) = await SignInAsync(app, "chemist@example.org", "lab", "member");
        var (other, _) = await SignInAsync(app, "rival@example.org", "rival", "owner");
        var file = $"{Structures.Aspirin}\n{Structures.Caffeine}\n{Structures.Ethanol}\n";
        var upload = await PostAsync(api, file, "three.smi", 201);
        var artifactId = upload.Value["artifact"]!["id"]!.GetValue<string>();
        var first = upload.Value["molecules"]![0]!["id"]!.GetValue<string>();

        var page1 = await api.GetAsync("GET /api/v1/chem/molecules", "/api/v1/chem/molecules?limit=2");
        Assert.Equal(2, page1.Value["items"]!.AsArray().Count);
        var next = page1.Value["next"]!.GetValue<string>();
        var page2 = await api.GetAsync("GET /api/v1/chem/molecules", $"/api/v1/chem/molecules?limit=2&after={next}");
        Assert.Single(page2.Value["items"]!.AsArray());
        Assert.Null(page2.Value["next"]);
        await api.GetAsync("GET /api/v1/chem/molecules", "/api/v1/chem/molecules?limit=0", 400);
        var byArtifact = await api.GetAsync("GET /api/v1/chem/molecules", $"/api/v1/chem/molecules?artifact_id={artifactId}");
        Assert.Equal(3, byArtifact.Value["items"]!.AsArray().Count);

        var one = await api.GetAsync("GET /api/v1/chem/molecules/{id}", $"/api/v1/chem/molecules/{first}");
        Assert.Equal(Structures.AspirinInChIKey, InChIKey(one.Value));
        await other.GetAsync("GET /api/v1/chem/molecules/{id}", $"/api/v1/chem/molecules/{first}", 404);
        Assert.Empty((await other.GetAsync("GET /api/v1/chem/molecules", "/api/v1/chem/molecules")).Value["items"]!.AsArray());

        var link = await api.GetAsync("GET /api/v1/chem/artifacts/{id}/download-link", $"/api/v1/chem/artifacts/{artifactId}/download-link");
        var url = link.Value["url"]!.GetValue<string>();
        Assert.True(link.Value["expires_at"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow);
        using var anonymous = app.CreateClient();
        Assert.Equal(file, await anonymous.GetStringAsync(new Uri(url, UriKind.Relative)));
        await other.GetAsync("GET /api/v1/chem/artifacts/{id}/download-link", $"/api/v1/chem/artifacts/{artifactId}/download-link", 404);
    }

    private static string InChIKey(JsonNode molecule) => molecule["inchikey"]!.GetValue<string>();

    private static List<string> InChIKeys(ContractResponse upload) => [.. upload.Value["molecules"]!.AsArray().Select(m => InChIKey(m!))];
}
