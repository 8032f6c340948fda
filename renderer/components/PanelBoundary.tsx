import { Component, type ReactNode } from 'react';

interface Props {
  name: string;
  children: ReactNode;
}

/** A panel that fails to render shows why, with a retry; the rest of the workbench keeps working. */
export class PanelBoundary extends Component<Props, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error): { error: Error } {
    return { error };
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <section className="panel panel-failed" aria-label={this.props.name}>
        <div className="empty" role="alert">
          <p>
            <strong>{this.props.name}</strong> stopped: {error.message}
          </p>
          <button type="button" className="btn btn-small" onClick={() => this.setState({ error: null })}>
            Show it again
          </button>
        </div>
      </section>
    );
  }
}
