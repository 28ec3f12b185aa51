using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Core.Blobs;
using Tessera.Core.Identity;
using Tessera.Data.Blobs;
using Tessera.Omics.Runs;
using Tessera.Platform.Blobs;
using Tessera.Testing;
using static Tessera.Server.Tests.AuthTestKit;
using static Tessera.Server.Tests.OmicsTestKit;

namespace Tessera.Server.Tests;

public class OmicsUploadLimitTests
{
    private static readonly Uri Runs = new("/api/v1/omics/runs", UriKind.Relative);
    private static readonly byte[] Fasta = Encoding.UTF8.GetBytes(">a\nKLAKLAK\n>b\nGIGKFLHS\n");

    private static int BlobCount(TesseraAppFactory app)
    {
        var objects = Path.Combine(((LocalBlobStore)app.Services.GetRequiredService<IBlobStore>()).Root, "objects");
        return Directory.GetFiles(objects, "*", SearchOption.AllDirectories).Length;
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await Json(response);
        Assert.True(response.StatusCode == status, body.ToString());
        Assert.Equal(code, body.GetProperty("code").GetString());
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Uploads_beyond_the_organization_or_server_cap_are_refused_with_Retry_After(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect, settings: new Dictionary<string, string?>
        {
            ["omics:max_concurrent_uploads"] = "3",
            ["omics:max_concurrent_uploads_per_org"] = "2",
        });
        var (alice, _, userId, orgId) = await SignInAsync(app, "alice@example.com", "lab");
        var slots = app.Services.GetRequiredService<OmicsUploadSlots>();
        Principal Member(Guid org) => new(userId, org, Roles.PermissionsOf(Roles.Member));

        // Two uploads of alice's organization in progress: a third from it is refused, 429.
        using (slots.Enter(Member(orgId)))
        using (slots.Enter(Member(orgId)))
        {
            var refused = await alice.PostAsync(Runs, Upload(Fasta, "p.fasta"));
            await AssertRefusedAsync(refused, HttpStatusCode.TooManyRequests, OmicsUploadSlots.OrgBusyCode);
            Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        }

        // Three uploads of other organizations fill the server: alice's is refused, 503.
        using (slots.Enter(Member(Guid.CreateVersion7())))
        using (slots.Enter(Member(Guid.CreateVersion7())))
        using (slots.Enter(Member(Guid.CreateVersion7())))
        {
            var refused = await alice.PostAsync(Runs, Upload(Fasta, "p.fasta"));
            await AssertRefusedAsync(refused, HttpStatusCode.ServiceUnavailable, OmicsUploadSlots.ServerBusyCode);
            Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        }
        Assert.Equal(0, BlobCount(app));

        // Once the slots are free again, the same upload goes through.
        Assert.Equal(HttpStatusCode.Accepted, (await alice.PostAsync(Runs, Upload(Fasta, "p.fasta"))).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Refused_uploads_answer_4xx_with_a_code_and_leave_no_blob(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (alice, _, _, _) = await SignInAsync(app, "alice@example.com", "lab");

        // A file without a single valid peptide.
        await AssertRefusedAsync(await alice.PostAsync(Runs, Upload(Encoding.UTF8.GetBytes(">x\nKLJ\n>y\nBJO\n"), "bad.fasta")),
            HttpStatusCode.UnprocessableEntity, OmicsUploadService.NoValidRecordsCode);

        // A valid file with a name the run cannot take: the file was stored before the name was read.
        await AssertRefusedAsync(await alice.PostAsync(Runs, Upload(Fasta, "p.fasta", new string('n', 300))), HttpStatusCode.BadRequest, "VALIDATION_FAILED");

        // A file followed by 5,000 more parts.
        var manyParts = Upload(Fasta, "p.fasta");
        for (var i = 0; i < 5000; i++) manyParts.Add(new StringContent("x"), "extra" + i);
        await AssertRefusedAsync(await alice.PostAsync(Runs, manyParts), HttpStatusCode.BadRequest, "UPLOAD_FORM_INVALID");

        // A part with 100 headers.
        var part = new ByteArrayContent(Fasta);
        for (var i = 0; i < 100; i++) part.Headers.TryAddWithoutValidation("X-Header-" + i, "v");
        var manyHeaders = new MultipartFormDataContent { { part, "file", "p.fasta" } };
        await AssertRefusedAsync(await alice.PostAsync(Runs, manyHeaders), HttpStatusCode.BadRequest, "UPLOAD_FORM_INVALID");

        Assert.Equal(0, BlobCount(app));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task The_sweeper_removes_old_unreferenced_blobs_and_keeps_referenced_or_young_ones(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (alice, _, _, _) = await SignInAsync(app, "alice@example.com", "lab");
        var (_, _, run) = await UploadRunAsync(alice, ">a\nKLAKLAK\n", "kept");
        var referenced = run.GetProperty("file_sha256").GetString()!;
        var blobs = (LocalBlobStore)app.Services.GetRequiredService<IBlobStore>();
        var orphan = (await blobs.PutAsync(new MemoryStream("left behind by a crashed upload"u8.ToArray()))).Sha256;
        var young = (await blobs.PutAsync(new MemoryStream("an upload still in progress"u8.ToArray()))).Sha256;
        foreach (var old in new[] { referenced, orphan })
            File.SetLastWriteTimeUtc(blobs.PathFor(old), DateTime.UtcNow - new BlobSweepOptions().Grace - TimeSpan.FromHours(1));

        Assert.Equal(1, await app.Services.GetRequiredService<BlobSweeper>().SweepOnceAsync());

        Assert.False(await blobs.ExistsAsync(orphan));
        Assert.True(await blobs.ExistsAsync(referenced));
        Assert.True(await blobs.ExistsAsync(young));
    }
}
