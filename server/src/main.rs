use anyhow::Context;
use explorer::Settings;
use leptos::prelude::get_configuration;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    explorer::logs::init();
    let settings = Settings::from_env().context("invalid settings")?;
    // LEPTOS_SITE_ADDR, LEPTOS_SITE_ROOT and the rest come from the environment, with
    // cargo-leptos' values as defaults, so the binary also runs when started directly.
    let mut leptos_options = get_configuration(None).context("invalid LEPTOS_* settings")?.leptos_options;
    if leptos_options.output_name.is_empty() {
        leptos_options.output_name = "explorer".into();
    }
    tracing::info!(?settings, "starting web server");
    let application = server::Application::build(settings, leptos_options).await?;
    println!("listening on http://{}", application.local_addr()?);
    // A second Ctrl-C or SIGTERM skips the drain.
    tokio::select! {
        ran = application.run_until(explorer::shutdown::signal()) => ran,
        _ = async {
            explorer::shutdown::signal().await;
            explorer::shutdown::signal().await;
        } => {
            tracing::warn!("stopping at once, without waiting for requests in flight");
            Ok(())
        }
    }
}
