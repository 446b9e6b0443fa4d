'use client';

import type { InputHTMLAttributes } from 'react';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'defaultValue' | 'onBlur' | 'onKeyDown' | 'onChange'> & {
  value: string;
  onApply: (value: string) => void;
};

/**
 * An input that applies when the user leaves it or presses Enter, not on every keystroke (each
 * would refetch every panel with a half-typed value). A new value from the URL (Back, a shared
 * link) replaces what is in the field.
 */
export function ApplyOnLeave({ value, onApply, ...input }: Props) {
  const apply = (v: string) => v !== value && onApply(v);
  return <input key={value} {...input} defaultValue={value} onBlur={(e) => apply(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && apply(e.currentTarget.value)} />;
}
