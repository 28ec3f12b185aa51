using Tessera.Platform.Web;

namespace Tessera.Cards.Web;

/// <summary>The UI part of Cards: its page and navigation entry, given to the shell by <see cref="CardsModule"/>.</summary>
internal static class CardsUi
{
    public static ModulePages Pages { get; } = new(typeof(CardsUi).Assembly,
    [
        new NavigationEntry("Cards", "/cards", "which card is this photo? your card catalog, its images and index"),
    ]);
}
