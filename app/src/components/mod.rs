pub mod chart_card;
pub mod chart_view;
pub mod finished;
pub mod progress;
pub mod repo_picker;
pub mod search_box;
pub mod selection_panel;
