// "Новая карточка" (/registry/new): the register's keepers add a student, a
// staff member or a parent. Only the name columns are asked for here; the
// rest is filled in on the card. The server validates and names the field.
import { useState } from 'preact/hooks';
import { createPerson, type PersonKind } from './api';
import { errorMessage } from './errors';
import { choiceLabel } from './fields';
import { Field, FormAlert, fieldOfError } from './forms';
import { useI18n, type MessageKey } from './i18n';
import { PageTitle } from './pages';
import { BackLink, fieldProblem, setCardNotice } from './registry';
import { navigate } from './router';

type Key = 'surname' | 'first_name' | 'patronymic' | 'birth_date' | 'sex';
const KEYS: Key[] = ['surname', 'first_name', 'patronymic', 'birth_date', 'sex'];

export function NewPersonPage({ kind: initialKind }: { kind: PersonKind }) {
  const { lang, t } = useI18n();
  const [kind, setKind] = useState<PersonKind>(initialKind);
  const [values, setValues] = useState<Record<Key, string>>({
    surname: '', first_name: '', patronymic: '', birth_date: '', sex: '',
  });
  const [errors, setErrors] = useState<Partial<Record<Key, MessageKey>>>({});
  const [formError, setFormError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  const set = (k: Key) => (v: string) => setValues((old) => ({ ...old, [k]: v }));

  const submit = async (e: Event) => {
    e.preventDefault();
    if (saving) return;
    setErrors({});
    setFormError(null);
    setSaving(true);
    try {
      const id = await createPerson({
        kind,
        surname: values.surname,
        firstName: values.first_name,
        patronymic: values.patronymic,
        birthDate: values.birth_date,
        sex: values.sex,
      });
      setCardNotice('new.created');
      navigate('/registry/' + id);
    } catch (err) {
      const named = fieldOfError(err);
      // "surname and first_name: required" names two fields: mark the empty ones.
      const keys = named
        ? /^surname and first_name:/.test((err as Error).message)
          ? (['surname', 'first_name'] as Key[]).filter((k) => values[k].trim() === '')
          : KEYS.filter((k) => k === named.field)
        : [];
      if (named && keys.length > 0) {
        const found: Partial<Record<Key, MessageKey>> = {};
        for (const k of keys) found[k] = fieldProblem(k, (err as { code: string }).code, named.detail);
        setErrors(found);
        setFormError('fields');
        setTimeout(() => document.getElementById('new-' + keys[0])?.focus(), 0);
      } else {
        setFormError(err);
      }
    } finally {
      setSaving(false);
    }
  };

  const label = (k: Key) => t(('new.f.' + k) as MessageKey);
  const err = (k: Key) => (errors[k] ? t(errors[k] as MessageKey) : undefined);
  return (
    <>
      <BackLink />
      <PageTitle text={t('new.title')} />
      <form class="edit-form" onSubmit={submit} noValidate aria-busy={saving} data-testid="new-form">
        {formError ? (
          <FormAlert>{formError === 'fields' ? t('card.fixErrors') : errorMessage(lang, formError)}</FormAlert>
        ) : null}
        <fieldset class="card">
          <legend class="card-title">{t('cat.identity')}</legend>
          <div class="form-grid">
            <Field
              id="new-kind"
              label={t('new.kind')}
              value={kind}
              onInput={(v) => setKind(v as PersonKind)}
              options={(['student', 'staff', 'parent'] as PersonKind[]).map((k) => [k, t(('reg.kindOne.' + k) as MessageKey)])}
            />
            {KEYS.map((k) => (
              <Field
                key={k}
                id={'new-' + k}
                label={label(k)}
                value={values[k]}
                onInput={set(k)}
                error={err(k)}
                required={k === 'surname' || k === 'first_name'}
                type={k === 'birth_date' ? 'date' : 'text'}
                maxLength={k === 'birth_date' || k === 'sex' ? undefined : 100}
                options={
                  k === 'sex'
                    ? [['', t('card.notSet')], ['male', choiceLabel(lang, 'male')], ['female', choiceLabel(lang, 'female')]]
                    : undefined
                }
              />
            ))}
          </div>
          <p class="note">{t('new.hint')}</p>
        </fieldset>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={saving} data-testid="new-submit">
            {saving ? t('new.creating') : t('new.create')}
          </button>
          <button
            type="button"
            class="btn btn-secondary"
            onClick={() => navigate('/registry')}
            disabled={saving}
            data-testid="new-cancel"
          >
            {t('card.cancel')}
          </button>
        </div>
      </form>
    </>
  );
}
