/**
 * A component that re-renders only when `same` says its props changed: the transcript holds up
 * to a thousand rows, and at 100 events a second re-diffing every row for one new entry is what
 * would push an event past its 50 ms to the screen.
 */
import { Component, h, type FunctionComponent } from 'preact';

export function memo<P extends object>(render: FunctionComponent<P>, same: (a: P, b: P) => boolean): FunctionComponent<P> {
  class Memo extends Component<P> {
    override shouldComponentUpdate(next: P): boolean {
      return !same(this.props as P, next);
    }
    override render() {
      return h(render, this.props as P);
    }
  }
  return Memo as unknown as FunctionComponent<P>;
}
