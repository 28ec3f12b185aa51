using System.IO.Pipelines;
using System.Text;
using Tessera.Cards.Catalog;
using Tessera.Cards.Storage;
using Tessera.Core.Errors;
using Tessera.Testing;

namespace Tessera.Cards.Tests.Catalog;

public class CatalogImportTests
{
    private static readonly Uri Server = new("http://images.test/");

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task An_import_stores_every_card_with_its_images_per_size_and_per_face_of_a_double_faced_card(string dialect)
    {
        await using var rig = await CardsRig.CreateAsync(dialect);

        var report = await rig.ImportJsonAsync(ScryfallBulk.Json(Server, Enumerable.Range(0, 10)));

        Assert.Equal((ImportReport.Completed, 10, 10, 0, 0, 0), (report.State, report.Cards, report.Added, report.Changed, report.Removed, report.Invalid));
        await using var c = await rig.Scratch.Database.OpenConnectionAsync();
        var single = await CardRows.FindAsync(c, rig.Owner.OrgId, ScryfallBulk.IdOf(0), default);
        Assert.NotNull(single);
        Assert.Equal(("Card 0", "tst", "1", "en", "normal", "10000000-0000-4000-8000-000000000000"),
            (single.Name, single.Set, single.CollectorNumber, single.Lang, single.Layout, single.OracleId));
        Assert.Equal(ScryfallBulk.Sizes.Order(StringComparer.Ordinal), single.Images.Select(i => i.Size));
        Assert.All(single.Images, i => Assert.Equal(0, i.Face));
        Assert.Equal(new Uri(Server, ScryfallBulk.ImagePath(0, 0, "normal")).AbsoluteUri, single.Images.Single(i => i.Size == "normal").Url);

        var dfc = await CardRows.FindAsync(c, rig.Owner.OrgId, ScryfallBulk.IdOf(2), default);
        Assert.NotNull(dfc);
        Assert.Equal("transform", dfc.Layout);
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1], dfc.Images.Select(i => i.Face));
        Assert.Equal(new Uri(Server, ScryfallBulk.ImagePath(2, 1, "large")).AbsoluteUri, dfc.Images.Single(i => i is { Face: 1, Size: "large" }).Url);

        // Another organization has no catalog: every read names the owner.
        var other = await rig.Status.GetAsync(CardsRig.NewOwner(), default);
        Assert.Equal(0, other.Cards);
        var mine = await rig.Status.GetAsync(rig.Owner, default);
        Assert.Equal(10, mine.Cards);
        Assert.Equal(10 + 3, mine.Images.Single(s => s.Size == "normal").Urls);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_newer_file_records_what_it_added_changed_and_removed(string dialect)
    {
        await using var rig = await CardsRig.CreateAsync(dialect);
        await rig.ImportJsonAsync(ScryfallBulk.Json(Server, Enumerable.Range(0, 10)));

        // Cards 0 and 1 are gone, 10 and 11 are new, 4 got errata; the rest is as it was.
        var report = await rig.ImportJsonAsync(ScryfallBulk.Json(Server, Enumerable.Range(2, 10), renamed: new HashSet<int> { 4 }));

        Assert.Equal((10, 2, 1, 7, 2), (report.Cards, report.Added, report.Changed, report.Unchanged, report.Removed));
        var status = await rig.Status.GetAsync(rig.Owner, default);
        Assert.Equal(10, status.Cards);
        Assert.Equal([report.Id, status.Imports[1].Id], status.Imports.Select(i => i.Id));
        Assert.Equal((2, 1, 2), (status.Imports[0].Added, status.Imports[0].Changed, status.Imports[0].Removed));
        await using var c = await rig.Scratch.Database.OpenConnectionAsync();
        Assert.Null(await CardRows.FindAsync(c, rig.Owner.OrgId, ScryfallBulk.IdOf(0), default));
        Assert.Equal("Card 4 (errata)", (await CardRows.FindAsync(c, rig.Owner.OrgId, ScryfallBulk.IdOf(4), default))!.Name);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_file_that_is_not_a_catalog_or_holds_no_cards_leaves_the_stored_catalog_as_it_was(string dialect)
    {
        await using var rig = await CardsRig.CreateAsync(dialect);
        await rig.ImportJsonAsync(ScryfallBulk.Json(Server, Enumerable.Range(0, 5)));

        var empty = await Assert.ThrowsAsync<TesseraException>(() => rig.ImportJsonAsync("[]"));
        Assert.Equal(CardsErrorCodes.CatalogEmpty, empty.Code);
        var notArray = await Assert.ThrowsAsync<TesseraException>(() => rig.ImportJsonAsync("{\"object\": \"list\"}"));
        Assert.Equal(CardsErrorCodes.CatalogInvalid, notArray.Code);
        var cut = await Assert.ThrowsAsync<TesseraException>(() => rig.ImportJsonAsync(ScryfallBulk.Json(Server, Enumerable.Range(0, 3))[..^40]));
        Assert.Equal(CardsErrorCodes.CatalogInvalid, cut.Code);
        var missing = await Assert.ThrowsAsync<TesseraException>(() => rig.Imports.ImportAsync(rig.Owner, "/no/such/file.json", null, default));
        Assert.Equal(CardsErrorCodes.SourceUnreadable, missing.Code);

        var status = await rig.Status.GetAsync(rig.Owner, default);
        Assert.Equal(5, status.Cards);
        Assert.Equal([ImportReport.Failed, ImportReport.Failed, ImportReport.Failed, ImportReport.Failed, ImportReport.Completed], status.Imports.Select(i => i.State));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task An_import_from_a_url_fetches_the_file_and_skips_entries_without_an_id(string dialect)
    {
        await using var rig = await CardsRig.CreateAsync(dialect);
        await using var server = await CardImagesServer.StartAsync();
        server.Catalog = ScryfallBulk.Json(server.BaseUrl, Enumerable.Range(0, 6)).TrimEnd(']') + ",{\"object\":\"card\",\"name\":\"no id\"}]";

        var report = await rig.Imports.ImportAsync(rig.Owner, new Uri(server.BaseUrl, "bulk/cards.json").AbsoluteUri, null, default);

        Assert.Equal((6, 6, 1), (report.Cards, report.Added, report.Invalid));
        var missing = await Assert.ThrowsAsync<TesseraException>(() => rig.Imports.ImportAsync(rig.Owner, new Uri(server.BaseUrl, "bulk/other.json").AbsoluteUri, null, default));
        Assert.Equal(CardsErrorCodes.SourceUnreadable, missing.Code);
    }

    [Fact]
    public async Task The_reader_yields_each_card_as_soon_as_it_has_arrived_without_waiting_for_the_rest_of_the_file()
    {
        var pipe = new Pipe();
        var cards = ScryfallBulk.Json(Server, Enumerable.Range(0, 2));
        var firstEnd = cards.IndexOf("},{\"object\"", StringComparison.Ordinal) + 2;
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(cards[..firstEnd]));
        await pipe.Writer.FlushAsync();

        await using var reader = CatalogReader.ReadAsync(pipe.Reader.AsStream(), default).GetAsyncEnumerator();
        var first = reader.MoveNextAsync().AsTask();
        Assert.Same(first, await Task.WhenAny(first, Task.Delay(TimeSpan.FromSeconds(10))));
        Assert.True(await first);
        Assert.Equal(ScryfallBulk.IdOf(0), reader.Current!.Id);

        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(cards[firstEnd..]));
        await pipe.Writer.CompleteAsync();
        Assert.True(await reader.MoveNextAsync());
        Assert.Equal(ScryfallBulk.IdOf(1), reader.Current!.Id);
        Assert.False(await reader.MoveNextAsync());
    }
}
