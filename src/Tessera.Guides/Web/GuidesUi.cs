using Tessera.Platform.Web;

namespace Tessera.Guides.Web;

/// <summary>The UI part of Guides: its page and navigation entry, given to the shell by <see cref="GuidesModule"/>.</summary>
internal static class GuidesUi
{
    public static ModulePages Pages { get; } = new(typeof(GuidesUi).Assembly,
    [
        new NavigationEntry("Guides", "/guides", "turn a narrated screen recording into steps with screenshots, edit them and export them"),
    ]);
}
