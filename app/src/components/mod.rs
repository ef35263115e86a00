pub mod chart_card;
pub mod repo_picker;
